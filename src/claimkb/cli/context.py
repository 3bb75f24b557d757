"""Open the knowledge base for a command: the embedded store over `kb/`, with the query catalogue."""

from __future__ import annotations

from pathlib import Path

from .. import resources
from ..answers import Kb
from ..catalogue import Catalogue


def kb_dir(option: Path | None) -> Path:
    return option if option is not None else resources.kb_dir()


def open_kb(kb_option: Path | None, endpoint: str | None = None, timeout: float = 30.0) -> Kb:
    """The embedded store over `kb/`, or the SPARQL endpoint when one is given."""
    if endpoint:
        from ..backends.remote import RemoteBackend

        return Kb(RemoteBackend(endpoint, timeout=timeout), catalogue())
    from ..backends.local import LocalBackend

    backend = LocalBackend(kb_dir(kb_option), resources.ontology_dir() / "claimkb.ttl")
    return Kb(backend, catalogue())


def catalogue() -> Catalogue:
    return Catalogue(resources.queries_dir())
