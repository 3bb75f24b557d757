"""Files and records -> RDF. The mapping between claim sheets and the graph lives here only."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..limits import read_file

MAX_INPUT_BYTES = 5_000_000


class Located(dict):
    """A mapping read from a sheet (YAML or CSV) that remembers the line of each key, for error messages."""

    lines: dict[str, int | None]  # None: the line is not known


def read_input(path: Path, encoding: str = "utf-8") -> str:
    """The text of an input file the user named, with the size limit and clear errors every reader shares."""
    raw = read_file(path, MAX_INPUT_BYTES)  # a regular file only, its size checked before reading
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
