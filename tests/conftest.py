from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from claimkb import resources
from claimkb.answers import Kb
from claimkb.backends.local import LocalBackend
from claimkb.catalogue import Catalogue
from claimkb.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Persistent stores built by tests go to a folder of their own, never the user's cache."""
    import os

    previous = os.environ.get("CLAIMKB_CACHE")
    os.environ["CLAIMKB_CACHE"] = str(tmp_path_factory.mktemp("claimkb-cache"))
    yield
    if previous is None:
        del os.environ["CLAIMKB_CACHE"]
    else:
        os.environ["CLAIMKB_CACHE"] = previous
SHARED = ROOT.parent / "shared"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def kb() -> Kb:
    backend = LocalBackend(resources.kb_dir(), resources.ontology_dir() / "claimkb.ttl")
    return Kb(backend, Catalogue(resources.queries_dir()))


@pytest.fixture
def cli(capsys):
    def run(*args: str) -> Run:
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    """A writable copy of the bundled knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(resources.kb_dir(), target, ignore=shutil.ignore_patterns(".claimkb-*"))
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
