from __future__ import annotations

import pytest

import claimkb

from .helpers import Run, copy_kb, run_cli


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


@pytest.fixture(scope="session")
def kb() -> claimkb.KnowledgeBase:
    """The bundled knowledge base, opened once for the session."""
    return claimkb.open()


@pytest.fixture
def cli():
    def run(*args: str) -> Run:
        return run_cli(*args)

    return run


@pytest.fixture
def kb_copy(tmp_path):
    """A writable copy of the bundled knowledge base."""
    return copy_kb(tmp_path / "kb")
