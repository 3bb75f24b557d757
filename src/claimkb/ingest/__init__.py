"""Files and records -> RDF. The mapping between claim sheets and the graph lives here only."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

MAX_INPUT_BYTES = 5_000_000


def read_input(path: Path, encoding: str = "utf-8") -> str:
    """The text of an input file the user named, with the size limit and clear errors every reader shares."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError(f"the file is larger than {MAX_INPUT_BYTES} bytes", file=str(path),
                         hint="split it into several files")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
