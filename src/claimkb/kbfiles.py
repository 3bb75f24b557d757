"""The one path for writing files into `kb/`: a temporary file in the same folder, fsync, re-parse,
atomic replace, one writer at a time (a lock file that names its holder)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import KbError

LOCK_NAME = ".claimkb-write.lock"
TMP_PREFIX = ".claimkb-tmp-"


@contextlib.contextmanager
def writer_lock(kb_dir: Path) -> Iterator[None]:
    """Hold the knowledge base's write lock; fail at once, naming the holder, if another writer has it."""
    path = kb_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise KbError(f"the knowledge base is being written by {holder}",
                          hint="wait for that command to finish, then run this one again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        clean_leftovers(kb_dir)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)


def clean_leftovers(kb_dir: Path) -> list[Path]:
    """Remove temporary files a killed writer left behind (call only while holding the lock)."""
    removed = []
    for leftover in kb_dir.rglob(TMP_PREFIX + "*"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            removed.append(leftover)
    return removed


def write_atomic(path: Path, data: bytes, check: Callable[[bytes], None] | None = None) -> None:
    """Replace `path` with `data` so that a reader sees the old file or the new one, never a part.

    `check` re-reads what reached the disk (for example re-parses it) and raises if it differs.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        written = tmp.read_bytes()
        if written != data:
            raise KbError(f"{tmp} does not hold what was written", hint="check the disk")
        if check is not None:
            check(written)
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
