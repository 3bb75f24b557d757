"""Options shared by every command, defined once. The format choices are built from the renderer
tables of `formats.py`: output formats (`render.RENDERERS` implements them), picture formats (for `trace` and
`claim` only; `pictures.PICTURES`) and export formats."""


from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..formats import OUTPUT_FORMATS, PICTURE_FORMATS


def choice_enum(name: str, members: dict[str, str], module: str) -> Any:
    """A str Enum of the choices of an option, built at run time from a table (typer offers its values).
    Typed Any: its members are known only at run time."""
    return Enum(name, members, type=str, module=module)


Format: Any = choice_enum("Format", {name.replace("-", "_"): name for name in OUTPUT_FORMATS}, __name__)

FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output: " + "; ".join(f"{k}: {v}" for k, v in OUTPUT_FORMATS.items()) + "."),
]
# `trace` and `claim` also draw their chain: the output formats plus the picture formats
PICTURE_CHOICES = {**OUTPUT_FORMATS, **PICTURE_FORMATS}
PictureFormat: Any = choice_enum("PictureFormat", {name.replace("-", "_"): name for name in PICTURE_CHOICES},
                                 __name__)
PictureFormatOpt = Annotated[
    PictureFormat,
    typer.Option("--format", "-f", help="Output: " + "; ".join(f"{k}: {v}" for k, v in PICTURE_CHOICES.items()) + "."),
]
WideOpt = Annotated[
    bool,
    typer.Option("--wide", help="Show every cell whole in a table on a terminal (piped output is never cut)."),
]
RawCellsOpt = Annotated[
    bool,
    typer.Option("--raw-cells", help="CSV/TSV: leave cells starting with = + - @ as they are "
                 "(by default they get a leading apostrophe, so a spreadsheet shows them instead of running them)."),
]
KbOpt = Annotated[
    Optional[Path],
    typer.Option("--kb", envvar="CLAIMKB_KB", show_default=False,
                 help="Knowledge-base folder (with graphs/); default: ./kb when it has graphs/, else the bundled one."),
]
EndpointOpt = Annotated[
    Optional[str],
    typer.Option("--endpoint", envvar="CLAIMKB_ENDPOINT", show_default=False,
                 help="Run against this SPARQL 1.1 query endpoint instead of the embedded store."),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", envvar="CLAIMKB_TIMEOUT", min=0.1,
                 help="Seconds a query (or a remote request, body included) may take in all."),
]
