"""Options shared by every read command, defined once."""


from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    sparql_json = "sparql-json"


FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output: table for people; json, jsonl, csv, tsv, sparql-json for tools."),
]
KbOpt = Annotated[
    Optional[Path],
    typer.Option("--kb", envvar="CLAIMKB_KB", help="Knowledge-base folder (with graphs/); default: the bundled one.",
                 show_default=False),
]
EndpointOpt = Annotated[
    Optional[str],
    typer.Option("--endpoint", envvar="CLAIMKB_ENDPOINT", show_default=False,
                 help="Run against this SPARQL 1.1 query endpoint instead of the embedded store."),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", envvar="CLAIMKB_TIMEOUT", min=0.1,
                 help="Seconds a remote request may take in all, body included."),
]
