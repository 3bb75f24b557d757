"""Open the knowledge base a command names: `--endpoint`, else the folder `api.locate` finds."""

from __future__ import annotations

from pathlib import Path

from ..api import KnowledgeBase, locate
from ..api import open as open_kb_api


def open_kb(kb_option: Path | None, endpoint: str | None = None, timeout: float = 30.0) -> KnowledgeBase:
    """The knowledge base for a command, with a progress bar on stderr while a large one is built."""
    from .output import ProgressBar

    if endpoint:
        return open_kb_api(endpoint=endpoint, timeout=timeout)
    folder, _bundled = locate(kb_option)
    progress = ProgressBar()
    try:
        return open_kb_api(folder, timeout=timeout, progress=progress)
    finally:
        progress.close()
