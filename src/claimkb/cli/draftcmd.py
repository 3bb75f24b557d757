"""`claimkb draft`: a claim-sheet draft from a new article's text, every guess marked for review."""


from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UsageError
from . import output
from .context import open_kb
from .options import KbOpt

app = typer.Typer()


def _day(value: str, option: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date", hint="write it as YYYY-MM-DD") from None


@app.command()
def draft(
    article: Annotated[Path, typer.Argument(help="The article as a UTF-8 text file; it is archived byte for byte.")],
    published: Annotated[str, typer.Option("--published", metavar="YYYY-MM-DD", show_default=False,
                                           help="The article's publication date: relative dates resolve against it.")],
    url: Annotated[Optional[str], typer.Option("--url", show_default=False,
                                               help="Where the article is published.")] = None,
    publisher: Annotated[Optional[str], typer.Option(
        "--publisher", show_default=False,
        help="Who published it (a name or an agent id): the article's own voice.")] = None,
    doc_id: Annotated[Optional[str], typer.Option(
        "--id", show_default=False, help="The document id; default: the file name without its extension.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the sheet to this file (atomically) "
                                                "instead of stdout.")] = None,
    recorded_on: Annotated[Optional[str], typer.Option(
        "--recorded-on", metavar="YYYY-MM-DD", show_default=False,
        help="The curation date written into the sheet; default: the --published date (never the clock, so that the "
             "same article drafts to the same sheet on any day).")] = None,
    kb: KbOpt = None,
) -> None:
    """Draft a claim sheet from a new article: one candidate claim per figure, quotation or attribution.

    For each candidate: the figure as written and as a number, its comparator and unit, the claimant and
    carriage from the attribution cue, the exact words anchored in the archived text, dates resolved
    against the publication date, and candidate quantities and relays from the knowledge base with their
    scores. Every guess carries a `review:` key; `claimkb import` refuses the sheet until the reviewer has
    checked each one and deleted its key. Rules only: nothing is downloaded.

    Examples:

      claimkb draft article.txt --published 2024-11-05 --out article.yaml

      claimkb draft kb/archive/D01-seed.txt --published 2024-11-05 --kb scratch-kb
    """
    day = _day(published, "--published")
    recorded = _day(recorded_on, "--recorded-on") if recorded_on is not None else day
    knowledge = open_kb(kb)
    result = knowledge.draft(article, published=day, url=url, publisher=publisher, doc_id=doc_id,
                             recorded_on=recorded)
    text = result.yaml()
    if out is None:
        output.data(text)
    else:
        from ..kbfiles import write_atomic

        write_atomic(out, text.encode("utf-8"))
    ident = result.sheet["document"]["id"]
    archive = result.sheet["document"]["archive"]
    c = result.counts
    output.note(f"drafted {c['claims']} candidate claims ({c['figures']} with a figure, {c['quotations']} with a "
                f"quotation) from {article}{f' into {out}' if out else ''}")
    output.note(f"{'archived the text as' if result.archived else 'the text is archived as'} {archive} "
                f"(sha256 {result.sha256[:16]}...)")
    if knowledge.folder is not None and (knowledge.folder / "graphs" / f"{ident}.trig").is_file():
        output.note(f"note: document {ident} is already in the knowledge base; importing this sheet replaces its graph")
    output.note("review every `review:` key (check, correct, delete), then: claimkb import SHEET")
