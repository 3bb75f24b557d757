"""Open the knowledge base for a command: the embedded store over `kb/`, with the query catalogue."""

from __future__ import annotations

from pathlib import Path

from .. import resources
from ..answers import Kb
from ..catalogue import Catalogue


def kb_dir(option: Path | None) -> Path:
    return option if option is not None else resources.kb_dir()


def open_kb(kb_option: Path | None) -> Kb:
    from ..backends.local import LocalBackend

    backend = LocalBackend(kb_dir(kb_option), resources.ontology_dir() / "claimkb.ttl")
    return Kb(backend, Catalogue(resources.queries_dir()))


def catalogue() -> Catalogue:
    return Catalogue(resources.queries_dir())
