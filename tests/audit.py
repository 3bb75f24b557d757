"""An audit hook (sys.addaudithook) that records network and file events while armed."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

_events: list[tuple[str, str]] | None = None
_installed = False

NETWORK = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request", "http.client.connect"}


def _hook(event: str, args: tuple) -> None:
    if _events is None:
        return
    if event in NETWORK:
        _events.append((event, repr(args)[:200]))
    elif event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        _events.append(("open", str(args[0])))


@contextlib.contextmanager
def watch():
    """Record network events and file opens made inside the block."""
    global _events, _installed
    if not _installed:
        sys.addaudithook(_hook)  # cannot be removed: it records only while armed
        _installed = True
    _events = []
    events = _events
    try:
        yield events
    finally:
        _events = None


def network(events) -> list[tuple[str, str]]:
    return [e for e in events if e[0] != "open"]


def opens_outside(events, allowed: list[Path]) -> list[str]:
    roots = [str(p.resolve()) for p in allowed]
    out = []
    for kind, path in events:
        if kind != "open":
            continue
        resolved = str(Path(path).resolve()) if not path.startswith("/dev/") else path
        if not any(resolved == root or resolved.startswith(root + "/") for root in roots):
            out.append(path)
    return out
