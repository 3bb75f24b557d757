"""Limits on what a user's files and values may make claimkb do, checked before the work starts.

- `read_file`: a file the user named is opened without blocking and without following it into a device,
  checked to be a regular file no larger than the limit, and read to at most the limit plus one byte. A
  symlink to `/dev/zero`, a FIFO or a folder is an error at once, not a hang or a MemoryError.
- `MAX_EXPONENT`: a number written with an exponent beyond it (`1e999999999`) is refused where it is read:
  exact arithmetic and xsd:decimal's plain notation would expand it to a billion digits.
- `json_depth`: how deeply a JSON text nests, counted on the text before any parser recurses into it.
"""

from __future__ import annotations

import os
import re
import stat
from decimal import Decimal
from functools import cache
from pathlib import Path

from .errors import InputError

MAX_EXPONENT = 100  # 10**100 and 10**-100 are far beyond any figure a document reports

# Both patterns match in one pass: no two parts can share a character, so a long digit run or an unterminated
# string is never split and retried (a 100,000-digit value or a 200 KB string checks in milliseconds).
_NUMBER_WITH_EXPONENT = r"\s*[+-]?(?:[0-9_]+(?:\.[0-9_]*)?|\.[0-9_]+)[eE][+-]?([0-9_]+)\s*\Z"
# a string's closing quote is optional: an unterminated string runs to the end of the text in one token
_JSON_TOKENS = r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[{]|[\]}]|[^"\[\]{}]+'


@cache
def _pattern(source: str) -> re.Pattern[str]:
    """Compiled on first use: this module is on every command's start-up path."""
    return re.compile(source, re.DOTALL)


def read_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file no larger than `limit`. Raises InputError naming the file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
            raise InputError(f"not a regular file ({kind})", file=str(path), hint="give the path of a file")
        if info.st_size > limit:
            raise InputError(f"the file is larger than {limit:,} bytes", file=str(path),
                             hint="split it into several files")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew after the check
            raise InputError(f"the file is larger than {limit:,} bytes", file=str(path),
                             hint="split it into several files")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    finally:
        os.close(fd)


def huge_exponent(text: str) -> bool:
    """Whether `text` is a number written with an exponent beyond MAX_EXPONENT (`1e999999999`)."""
    if "e" not in text and "E" not in text:
        return False
    match = _pattern(_NUMBER_WITH_EXPONENT).match(text)
    if match is None:
        return False
    digits = match.group(1).replace("_", "").lstrip("0")
    return len(digits) > 6 or (digits != "" and int(digits) > MAX_EXPONENT)


def decimal_in_range(value: Decimal) -> bool:
    """A finite decimal whose plain notation has at most MAX_EXPONENT digits on either side of the point."""
    return value.is_finite() and value.adjusted() < MAX_EXPONENT and int(value.as_tuple().exponent) >= -MAX_EXPONENT


def json_depth(text: str, limit: int) -> int:
    """The deepest nesting of [ and { in a JSON text (strings skipped), counting stops past `limit`."""
    depth = deepest = 0
    for match in _pattern(_JSON_TOKENS).finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif token in ("]", "}"):
            depth -= 1
    return deepest
