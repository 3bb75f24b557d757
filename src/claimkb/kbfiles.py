"""The one path for writing files into `kb/`, and the one way to read them whole.

Each file goes to a temporary file in the same folder, is fsynced, read back, re-parsed and compared. A
write of several files is one commit: a journal naming every (temporary, final) pair is written
atomically once all temporaries are complete (the commit point), then the renames happen, the
generation marker is bumped, and the journal goes. A writer killed at any point leaves either the old
state (no journal yet: its temporaries are removed by the next writer) or a journal that the next
writer, or an explicit `recover`, rolls forward. One writer at a time: a lock file that names its holder.

Readers never write and take no lock: `snapshot` reads the graph files as of one commit, taking a
journal's new files in place of the ones they replace, and reads again when the generation marker or
the journal changed while it read (a commit landed meanwhile).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, KbError

LOCK_NAME = ".claimkb-write.lock"
JOURNAL_NAME = ".claimkb-journal.json"
GENERATION_NAME = ".claimkb-generation"
TMP_PREFIX = ".claimkb-tmp-"
MAX_GRAPH_BYTES = 1 << 30  # one graph file; the bundled ones are a few hundred KB


def checked_graph(kb_dir: Path, path: Path, roots: set[Path] | None = None) -> Path:
    """`path`, refused unless it is a regular file inside the knowledge base no larger than MAX_GRAPH_BYTES:
    a FIFO would hang every read, a link to /dev/zero would fill the memory, a link out of the KB would
    read someone else's file. A file that is gone is returned as it is (a commit moved it: read again)."""
    import stat

    hint = "remove it from graphs/ or replace it with the graph file itself (`claimkb import` rebuilds it)"
    try:
        target = path.resolve()
        info = path.stat()
    except FileNotFoundError:
        return path
    except (OSError, RuntimeError) as exc:  # a link loop, no permission
        raise KbError(f"{path}: cannot read the graph file: {getattr(exc, 'strerror', None) or exc}",
                      hint=hint) from None
    if roots is None:
        roots = graph_roots(kb_dir)
    if not roots & set(target.parents):
        raise KbError(f"{path}: a symbolic link to {target}, outside the knowledge base", hint=hint)
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        raise KbError(f"{path}: not a regular file ({kind})", hint=hint)
    if info.st_size > MAX_GRAPH_BYTES:
        raise KbError(f"{path}: the graph file is larger than {MAX_GRAPH_BYTES:,} bytes", hint=hint)
    return path


def graph_roots(kb_dir: Path) -> set[Path]:
    """Where a graph file may lie: the knowledge base or its graphs/ (which may be a link; writes refuse it)."""
    return {kb_dir.resolve(), (kb_dir / "graphs").resolve()}


def graph_files(kb_dir: Path) -> list[Path]:
    """The `graphs/*.trig` files of `kb_dir` in name order, each checked by `checked_graph`."""
    roots = graph_roots(kb_dir)
    return [checked_graph(kb_dir, p, roots) for p in sorted((kb_dir / "graphs").glob("*.trig"))]


def _pause() -> None:
    """Test hook: CLAIMKB_WRITE_PAUSE seconds between commit steps, so a kill test can land inside them."""
    delay = os.environ.get("CLAIMKB_WRITE_PAUSE")
    if delay:
        time.sleep(float(delay))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def writer_lock(kb_dir: Path, *, wait: bool = False) -> Iterator[str | None]:
    """Hold the knowledge base's write lock; fail at once (or wait), naming the holder. What a killed
    writer left is finished or cleaned first; the context gives what `recover` did."""
    kb_dir = kb_dir.resolve()
    path = kb_dir / LOCK_NAME
    try:
        kb_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a read-only mount, no permission: nothing was written yet
        raise KbError(f"cannot write to the knowledge base {kb_dir}: {exc.strerror or exc}",
                      hint="make a writable working copy with `claimkb init DIR` and use --kb DIR, "
                           "or fix the folder's permissions") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise KbError(f"the knowledge base is being written by {holder}",
                          hint="wait for that command to finish, then run this one again") from None
        import socket

        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        yield recover(kb_dir)
    finally:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)


def recover(kb_dir: Path) -> str | None:
    """Finish or undo what a killed writer left (call only while holding the lock).

    Returns "rolled forward", "cleaned" or None when there was nothing to do.
    """
    import json

    kb_dir = kb_dir.resolve()
    journal = kb_dir / JOURNAL_NAME
    done = None
    if journal.exists():
        try:
            pairs = _checked_pairs(json.loads(journal.read_text(encoding="utf-8")), kb_dir)
        except ValueError:  # the journal is written atomically, so this is not claimkb's
            raise KbError(f"{journal} is not a claimkb journal", hint="move it away and run again") from None
        for tmp_name, final_name in pairs:
            tmp, final = kb_dir / tmp_name, kb_dir / final_name
            if tmp.exists():
                os.replace(tmp, final)
        for folder in {(kb_dir / final).parent for _, final in pairs}:
            _fsync_dir(folder)
        _bump_generation(kb_dir)
        journal.unlink()
        _fsync_dir(kb_dir)
        done = "rolled forward"
    leftovers = [p for p in kb_dir.rglob(TMP_PREFIX + "*")]
    for leftover in leftovers:
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    return done or ("cleaned" if leftovers else None)


def _checked_pairs(pairs: object, kb_dir: Path) -> list[tuple[str, str]]:
    """The journal's (temporary, final) pairs, if every one is a claimkb temporary and a target inside kb/."""
    if not isinstance(pairs, list):
        raise ValueError("not a list")
    checked = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            raise ValueError("not a pair of names")
        tmp, final = (kb_dir / pair[0]).resolve(), (kb_dir / pair[1]).resolve()
        if not tmp.name.startswith(TMP_PREFIX) or final.name.startswith(TMP_PREFIX) or tmp.parent != final.parent:
            raise ValueError("not a claimkb temporary beside its target")
        if kb_dir not in final.parents:
            raise ValueError("a target outside the knowledge base")
        checked.append((pair[0], pair[1]))
    return checked


def _bump_generation(kb_dir: Path) -> None:
    """Count one more commit (the marker readers compare before and after they read)."""
    marker = kb_dir / GENERATION_NAME
    try:
        current = int(marker.read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        current = 0
    tmp = _write_tmp(marker, f"{current + 1}\n".encode("ascii"), None)
    os.replace(tmp, marker)


def _state(kb_dir: Path) -> tuple[bytes | None, bytes | None]:
    """The generation marker's and the journal's bytes (None when absent)."""
    out: list[bytes | None] = []
    for name in (GENERATION_NAME, JOURNAL_NAME):
        try:
            out.append((kb_dir / name).read_bytes())
        except FileNotFoundError:
            out.append(None)
    return out[0], out[1]


def graph_sources(kb_dir: Path) -> tuple[list[tuple[str, Path]], tuple[bytes | None, bytes | None]]:
    """The graph files of the current commit as (name, path to read), and the state they were listed
    in (see `unchanged_since`). A journal's new files stand in for the files they replace; a file the
    journal creates appears under its final name."""
    import json

    kb_dir = kb_dir.resolve()
    state = _state(kb_dir)
    files = {p.name: p for p in graph_files(kb_dir)}
    if state[1] is not None:
        try:
            pairs = _checked_pairs(json.loads(state[1]), kb_dir)
        except ValueError:
            raise KbError(f"{kb_dir / JOURNAL_NAME} is not a claimkb journal",
                          hint="move it away and run again") from None
        for tmp_name, final_name in pairs:
            tmp, final = kb_dir / tmp_name, kb_dir / final_name
            if final.parent == kb_dir / "graphs" and final.suffix == ".trig" and tmp.exists():
                files[final.name] = checked_graph(kb_dir, tmp)
    return sorted(files.items()), state


def _read_graph(path: Path) -> bytes:
    """A checked graph file's bytes, opened without blocking (it could have become a FIFO since the check)."""
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise KbError(f"{path}: not a regular file (a device, pipe or socket)",
                          hint="remove it from graphs/ or replace it with the graph file itself")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_GRAPH_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_GRAPH_BYTES:
        raise KbError(f"{path}: the graph file is larger than {MAX_GRAPH_BYTES:,} bytes",
                      hint="remove it from graphs/ or replace it with the graph file itself")
    return data


def unchanged_since(kb_dir: Path, state: tuple[bytes | None, bytes | None]) -> bool:
    """True when no commit landed or began since `graph_sources` gave `state`."""
    return _state(kb_dir.resolve()) == state


def snapshot(kb_dir: Path, attempts: int = 50) -> list[tuple[str, bytes]]:
    """The graph files' bytes as of one commit, without writing anything (see the module docstring)."""
    for _ in range(attempts):
        sources, state = graph_sources(kb_dir)
        try:
            blobs = [(name, _read_graph(path)) for name, path in sources]
        except FileNotFoundError:  # a commit moved a file while it was read: read again
            continue
        if unchanged_since(kb_dir, state):
            return blobs
        time.sleep(0.01)
    raise KbError(f"{kb_dir} kept changing while it was read", hint="run the command again when the writes stop")


def _os_error(exc: OSError, path: Path) -> KbError:
    return KbError(f"cannot write {path}: {exc.strerror or exc}",
                   hint="free some disk space or fix the folder's permissions; nothing was changed")


def _new_tmp(path: Path) -> tuple[int, Path]:
    """A new temporary file beside `path` (its folder made if missing): its descriptor and path."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
    except OSError as exc:
        raise _os_error(exc, path) from None
    try:  # mkstemp makes the file private (0600): give it the mode of the file it replaces, or the umask's
        os.fchmod(fd, _mode_of(path))
    except OSError:
        pass  # a filesystem without modes
    return fd, Path(tmp_name)


def _mode_of(path: Path) -> int:
    """The permission bits a file written at `path` gets: the old file's, else what open() would give."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def _write_tmp(path: Path, data: bytes, check: Callable[[bytes], None] | None) -> Path:
    fd, tmp = _new_tmp(path)
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:  # a full disk, a quota: nothing is kept, the old file stands
            raise _os_error(exc, path) from None
        written = tmp.read_bytes()
        if written != data:
            raise KbError(f"{tmp} does not hold what was written", hint="check the disk")
        if check is not None:
            check(written)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return tmp


def inside(kb_dir: Path, path: Path) -> Path:
    """`path` with its folder resolved, refused unless it lies inside the knowledge base and is not itself a
    symbolic link: a write never follows a link out of the knowledge base."""
    kb_dir = kb_dir.resolve()
    folder = path.parent.resolve()
    target = folder / path.name
    if folder != kb_dir and kb_dir not in folder.parents:
        raise KbError(f"{path} lies outside the knowledge base {kb_dir} (a symbolic link?)",
                      hint="replace the link with a real folder inside the knowledge base")
    if target.is_symlink():
        raise KbError(f"{target} is a symbolic link; claimkb does not write through links",
                      hint="replace the link with the file itself")
    return target


def commit(kb_dir: Path, files: list[tuple[Path, bytes, Callable[[bytes], None] | None]]) -> None:
    """Replace several files under `kb_dir` as one commit (caller holds the writer lock)."""
    import json

    kb_dir = kb_dir.resolve()
    files = [(inside(kb_dir, path), data, check) for path, data, check in files]
    temporaries: list[tuple[Path, Path]] = []
    journal: Path | None = None
    try:
        for path, data, check in files:
            temporaries.append((_write_tmp(path, data, check), path))
            _pause()
        for folder in {path.parent for path, _, _ in files}:
            _fsync_dir(folder)
        pairs = [[str(tmp.relative_to(kb_dir)), str(final.relative_to(kb_dir))] for tmp, final in temporaries]
        journal = _write_tmp(kb_dir / JOURNAL_NAME, json.dumps(pairs).encode("utf-8"), None)
        _pause()
        try:
            os.replace(journal, kb_dir / JOURNAL_NAME)  # the commit point
        except OSError as exc:
            with contextlib.suppress(FileNotFoundError):
                journal.unlink()
            raise _os_error(exc, kb_dir / JOURNAL_NAME) from None
        _fsync_dir(kb_dir)
    except BaseException:
        # Before the commit point nothing happened: the temporaries and the journal's own go. After it
        # (Ctrl-C or SIGTERM landing here), the commit stands: readers already see it through the
        # journal, and the next writer's `recover` moves the temporaries into place. Whether the journal
        # is in place is read from the disk, not from a flag set after `os.replace` (a signal can land
        # between the two); the writer lock's `recover` removed any older journal before this commit.
        if not (kb_dir / JOURNAL_NAME).exists():
            for tmp in [t for t, _final in temporaries] + ([journal] if journal is not None else []):
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
        raise
    _pause()
    recover(kb_dir)


def write_atomic(path: Path, data: bytes, check: Callable[[bytes], None] | None = None) -> None:
    """Replace one file outside a commit (exports): a reader sees the old file or the new one."""
    if path.is_dir():
        raise KbError(f"{path} is a folder", hint="give the path of a file to write, e.g. kb.trig")
    tmp = _write_tmp(path, data, check)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise _os_error(exc, path) from None
    _fsync_dir(path.parent)


def write_atomic_stream(path: Path, write: Callable[[BinaryIO], int]) -> int:
    """`write_atomic` for output too large to hold in memory: `write` fills a temporary file beside `path`
    (and returns a count, handed back); the file replaces `path` only once it is whole."""
    if path.is_dir():
        raise KbError(f"{path} is a folder", hint="give the path of a file to write, e.g. tables.nq")
    fd, tmp = _new_tmp(path)
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                count = write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            raise _os_error(exc, path) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
    return count


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks (the store's sources and the tables it seals)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unreadable(path: Path, exc: SyntaxError | MemoryError) -> InputError:
    """The error for a file the parser refuses, in memory and in disk mode alike: where, what, the fix."""
    hint = "fix the file, or rebuild it from its sheet with `claimkb import`"
    if isinstance(exc, MemoryError):
        why = str(exc) or "out of memory"
        if "buffer maximal size" in why:  # the parser holds one term at a time, up to 16 MiB
            why += ": a literal or IRI longer than the parser reads (16 MiB)"
            hint = "shorten that text (archive long texts beside the knowledge base, not in a literal)"
        return InputError(f"cannot load: {why}", file=str(path), hint=hint)
    return InputError(f"not valid RDF: {exc.msg if hasattr(exc, 'msg') else exc}", file=str(path),
                      line=getattr(exc, "lineno", None), hint=hint)
