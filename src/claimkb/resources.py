"""Where the bundled ontology, queries and knowledge base live: in the wheel, or in the checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder holding `kb/`, `ontology/` and `queries/`.

    A built wheel carries them inside the package (`claimkb/_data/`); an editable install or a source
    checkout finds them at the top of the repository.
    """
    bundled = _PACKAGE / "_data"
    if (bundled / "queries").is_dir():
        return bundled
    return _PACKAGE.parent.parent


def is_bundled() -> bool:
    """True when the data comes from an installed package (read-only), not from a checkout."""
    return (_PACKAGE / "_data" / "queries").is_dir()


def kb_dir() -> Path:
    return data_root() / "kb"


def ontology_dir() -> Path:
    return data_root() / "ontology"


def queries_dir() -> Path:
    return data_root() / "queries"
