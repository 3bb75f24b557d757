"""Options shared by every command, defined once. The format choices are built from the renderer
registry (`render.RENDERERS`), the picture table (`pictures.PICTURES`, for `trace` and `claim` only) and
the export table (`export.EXPORT_FORMATS`)."""


from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..pictures import PICTURES
from ..render import FORMATS

Format = Enum("Format", {name.replace("-", "_"): name for name in FORMATS}, type=str)  # type: ignore[misc]

FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output: table for people; json, jsonl, csv, tsv, sparql-json for tools."),
]
# `trace` and `claim` also draw their chain: the normal formats plus the picture formats
PictureFormat = Enum("PictureFormat", {name.replace("-", "_"): name for name in (*FORMATS, *PICTURES)},  # type: ignore[misc]
                     type=str)
PictureFormatOpt = Annotated[
    PictureFormat,
    typer.Option("--format", "-f", help="Output: table for people; json, jsonl, csv, tsv, sparql-json for tools; "
                 "svg (a picture of the chain, drawn without any other program), dot (Graphviz) or mermaid."),
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
