"""`claimkb query list | show NAME | run NAME -p key=value`."""


from typing import Annotated, Optional

import typer

from .. import resources
from ..catalogue import Catalogue
from ..errors import UsageError
from ..records import Records
from . import output
from .context import open_kb
from .options import EndpointOpt, Format, FormatOpt, KbOpt, TimeoutOpt

app = typer.Typer(help="The query catalogue: list, show and run the queries in queries/.",
                  no_args_is_help=True)


@app.command("list")
def list_queries(fmt: FormatOpt = Format.table) -> None:
    """List catalogue queries with their summaries and parameters.

    Examples:

      claimkb query list

      claimkb query list --format json
    """
    cat = Catalogue(resources.queries_dir())
    rows = []
    for q in cat.all() + cat.checks():
        params = ", ".join(f"{p.name}{'' if p.required else '?'}:{p.type}" for p in q.params)
        rows.append({"name": q.name, "summary": q.summary, "params": params})
    output.emit(Records(rows, ["name", "summary", "params"]), fmt)


@app.command()
def show(name: Annotated[str, typer.Argument(help="Query name, e.g. claims or checks/relay-cycle.")]) -> None:
    """Print a catalogue query's text, ready to paste into any SPARQL 1.1 web UI.

    Examples:

      claimkb query show comparisons
    """
    output.data(Catalogue(resources.queries_dir()).get(name).text)


@app.command()
def run(
    name: Annotated[str, typer.Argument(help="Query name.")],
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p",
                                                       help="A parameter as key=value; repeat for more.")] = None,
    fmt: FormatOpt = Format.table,
    kb: KbOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Run a catalogue query; parameters are bound as RDF terms, never spliced into the text.

    Examples:

      claimkb query run claims-with-value -p value=701650

      claimkb query run comparisons -p "relation=numeric conflict" --format csv
    """
    params: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"parameter {item!r} is not key=value", hint="write it as -p value=701650")
        if key in params:
            raise UsageError(f"parameter {key!r} is given twice")
        params[key] = value
    Catalogue(resources.queries_dir()).get(name)  # unknown names fail before anything is opened
    output.emit(open_kb(kb, endpoint, timeout).query(name, **params), fmt, empty="No rows.")
