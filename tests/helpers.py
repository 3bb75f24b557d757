"""Helpers the test modules share (imported from here, never from another test module)."""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from claimkb import resources

from .servers import Oxigraph, Unavailable, Virtuoso, free_port  # noqa: F401 - shared with the test modules

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
KB = resources.kb_dir()
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> Run:
    """Run `claimkb ARGS...` in this process and capture what it prints."""
    from claimkb.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Run(code, out.getvalue(), err.getvalue())


def copy_kb(target: Path) -> Path:
    """A writable copy of the bundled knowledge base at `target`."""
    shutil.copytree(KB, target, ignore=shutil.ignore_patterns(".claimkb-*"))
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def start_oxigraph(folder: Path, *, union_default_graph: bool = True) -> tuple[str, Oxigraph]:
    """An Oxigraph server on 127.0.0.1 storing into `folder`: its base URL and the server (`.terminate()`,
    `.wait()` as a process's)."""
    try:
        server = Oxigraph(folder, union_default_graph=union_default_graph)
    except Unavailable as why:
        pytest.skip(str(why))
    return server.base, server.process


def rows(kb, query: str) -> list[dict[str, str]]:
    """An ad hoc test query's rows as text values (run as a catalogue query would be, unchecked)."""
    return [{k: v.value for k, v in r.items()} for r in kb.session.backend.select(query).rows]
