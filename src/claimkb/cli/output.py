"""Write data to stdout and everything else to stderr."""

from __future__ import annotations

import sys

from ..render import render
from ..results import ResultTable
from .options import Format


def data(text: str) -> None:
    sys.stdout.write(text)


def note(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def table(result: ResultTable, fmt: Format, *, empty: str | None = None) -> None:
    if fmt is Format.table and not result.rows:
        if empty:
            note(empty)
        return
    data(render(result, fmt.value))
    if fmt is Format.table:
        note(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")
