"""`claimkb report OUT_DIR`: a self-contained static HTML site of a knowledge base.

An index with counts; one page per claim (fields, verdicts, chain picture, other figures of its quantity,
disagreements), per document (the archived text with every anchored quote highlighted), per claimant and
per disagreement (with a word diff where the texts differ); long lists are cut into pages. Every page
embeds its schema.org JSON-LD. Nothing is fetched when the site is viewed: it opens from `file://` and
from any static host.

The site is built in a temporary folder beside OUT_DIR and then moved into place, so OUT_DIR holds the
old site or the new one. An OUT_DIR that exists, is not empty and was not written by `claimkb report`
(it has no `.claimkb-report` marker) is refused. Building is a pure function of the knowledge base: no
clock, no absolute path, so the same knowledge base gives the same bytes.

The report reads the whole knowledge base in a few bulk queries (`data.gather`); `claimkb report` loads a
knowledge base of up to MEMORY_UP_TO bytes of graph files into an in-memory store for that (unless
CLAIMKB_STORE_MODE says otherwise), which answers whole-base queries about four times faster than the
on-disk store.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..errors import UsageError

if TYPE_CHECKING:
    from ..api import KnowledgeBase

MARKER = ".claimkb-report"
# `claimkb report` reads a knowledge base of graph files up to this size into memory rather than an on-disk store
MEMORY_UP_TO = 200_000_000
MARKER_TEXT = "A static report written by `claimkb report`; the folder is replaced whole when it is written again.\n"


class Built(NamedTuple):
    folder: Path
    pages: dict[str, int]  # top folder ("" for the index) -> HTML pages
    bytes: int
    largest: int  # the largest page's bytes
    seconds: float

    @property
    def total_pages(self) -> int:
        return sum(self.pages.values())


def check_target(out: Path) -> None:
    """Refuse to replace what is not a previous report."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"{out} is not a folder", hint="give a folder to write the report into")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"{out} is not empty and is not a claimkb report",
                         hint="give a new or empty folder (a previous report is replaced whole)")


def build(kb: KnowledgeBase, out: Path, *, page_size: int = 200,
          progress: Callable[[str, int, int], None] | None = None) -> Built:
    """Write the report of `kb` into `out` (see the module docstring) and say what was written."""
    from .data import gather
    from .pages import Report

    if page_size < 1:
        raise UsageError("the page size must be at least 1")
    started = time.monotonic()
    out = Path(out)
    check_target(out)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    site = gather(kb, progress)
    work = Path(tempfile.mkdtemp(prefix=".claimkb-report-", dir=parent))
    pages: dict[str, int] = {}
    total = largest = 0
    try:
        report = Report(site, page_size)
        folders: set[Path] = set()
        say = progress or (lambda phase, done, total: None)
        for count, (relative, text) in enumerate(report.pages(), start=1):
            path = work / relative
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            data = text.encode("utf-8")
            path.write_bytes(data)
            total += len(data)
            if relative.endswith(".html"):
                top = relative.split("/", 1)[0] if "/" in relative else ""
                pages[top] = pages.get(top, 0) + 1
                largest = max(largest, len(data))
            if count % 1000 == 0:
                say("writing pages", count, 0)
        (work / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        _replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Built(out, pages, total, largest, time.monotonic() - started)


def _replace(new: Path, out: Path) -> None:
    """Put the finished site at `out`: an absent or empty folder is simply replaced; a previous report is
    moved aside first and deleted once the new one is in place."""
    check_target(out)  # again: the folder may have changed while the site was built
    os.chmod(new, 0o755)
    if not out.exists():
        os.rename(new, out)
        return
    if not any(out.iterdir()):
        out.rmdir()
        os.rename(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=".claimkb-report-old-", dir=out.absolute().parent))
    old.rmdir()
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
