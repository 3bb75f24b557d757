"""A persistent embedded store: built once from `kb/` into an on-disk Oxigraph store that later commands
reopen read-only in milliseconds, instead of parsing every file on every run.

The store is named by a fingerprint of its sources: the sha256 of every graph file and of the ontology,
with claimkb's and Oxigraph's versions. A changed, added or removed file gives another fingerprint, so a
stale store is never served. Hashing a large knowledge base on every command would cost seconds, so each
file's hash is remembered with its (size, mtime, inode, ctime) and recomputed whenever any of them moves;
a file changed in the last few seconds is hashed every time, since a second change within the clock's
resolution would leave its times unchanged (git's "racy" files).

Where: `$CLAIMKB_CACHE`, else `$XDG_CACHE_HOME/claimkb`, else `~/.cache/claimkb`. Two commands at once:
the builder holds a lock and builds into a temporary folder that it renames into place; the other waits
for the lock and then opens the finished store. Readers open read-only, and hold the store's folder (a
shared lock) so that removing older stores after a build never takes one they have yet to open.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..kbfiles import file_sha256, unreadable
from ..namespaces import ONTOLOGY_GRAPH

Progress = Callable[[str, int, int], None]  # (phase, done, total)
COMPLETE = "claimkb-store.json"
READERS = "readers.lock"  # readers hold it shared; `_collect` removes a folder only when it gets it exclusively
STORE_FORMAT = 6  # 5: with the tables of tables/ (catalogue answers, figures, findings); 6: reviewed claims


def cache_root() -> Path:
    if os.environ.get("CLAIMKB_CACHE"):
        return Path(os.environ["CLAIMKB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimkb"


def _stat_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


RACY_SECONDS = 3


def fingerprint(sources: list[tuple[str, Path]], root: Path) -> str:
    """sha256 over the sources' names and content hashes (content hashes remembered by stat)."""
    now = time.time_ns()
    memo_path = root / "hashes.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    changed = False
    digest = hashlib.sha256(f"claimkb {__version__} store {STORE_FORMAT} pyoxigraph {ox.__version__}\n".encode())
    for name, path in sources:
        key = str(path.resolve())
        stat = _stat_key(path)
        entry = memo.get(key)
        if entry is None or entry[0] != stat:
            entry = [stat, file_sha256(path)]
            if now - max(stat[1], stat[3]) > RACY_SECONDS * 1_000_000_000:
                memo[key] = entry
                changed = True
            elif key in memo:
                del memo[key]
                changed = True
        digest.update(f"{name}\0{entry[1]}\n".encode())
    if changed:
        root.mkdir(parents=True, exist_ok=True)
        tmp = memo_path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(memo), encoding="utf-8")
        os.replace(tmp, memo_path)
    return digest.hexdigest()


class Held:
    """A store folder with a shared lock on its `readers.lock`, held while this object lives: `_collect`
    removes no folder a reader holds, so the store and the tables beside it, opened when first needed,
    are still there then (a folder removed by hand is not protected)."""

    def __init__(self, folder: Path, handle) -> None:
        self.folder = folder
        self.handle = handle  # the open lock file (None where it cannot be made: a read-only cache)

    def gone(self) -> bool:
        return not (self.folder / COMPLETE).is_file()


def _lock_file(folder: Path):
    """The folder's `readers.lock`, opened (made when missing); None where it cannot be made."""
    try:  # O_CREAT opens an existing file without writing to the folder (a read-only cache)
        fd = os.open(folder / READERS, os.O_RDONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except FileNotFoundError:
        raise  # the folder itself is gone
    except OSError:  # it cannot be made there
        return None
    return os.fdopen(fd, "rb")


def store_folder(graph_files: list[tuple[str, Path]], ontology: Path | None,
                 progress: Progress | None = None) -> Held:
    """The folder of the store for exactly these sources (name, path to read), built first when there is
    none, held for the caller. The store is opened by its reader (`open_read_only`) when a query first
    needs it: a command the comparison tables beside it answer never opens it. FileNotFoundError when the
    folder was removed before it could be held (build again)."""
    sources = [(f"graphs/{name}", p) for name, p in graph_files]
    if ontology is not None and ontology.is_file():
        sources.append(("ontology", ontology))
    root = cache_root()
    name = fingerprint(sources, root)[:32]
    folder = root / "stores" / name
    if not (folder / COMPLETE).is_file():
        _build(folder, sources, root, progress)
    handle = _lock_file(folder)
    if handle is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)  # waits while `_collect` removes it
    held = Held(folder, handle)
    if held.gone():
        raise FileNotFoundError(folder)
    return held


def open_read_only(folder: Path) -> ox.Store:
    return ox.Store.read_only(str(folder))


def _build(folder: Path, sources: list[tuple[str, Path]], root: Path, progress: Progress | None) -> None:
    (root / "stores").mkdir(parents=True, exist_ok=True)
    lock = os.open(root / "build.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another command building the same store: wait for it
        if (folder / COMPLETE).is_file():
            return
        # a build in progress holds this lock: any folder left by one is from a build that was killed
        for orphan in (root / "stores").glob(".building-*"):
            shutil.rmtree(orphan, ignore_errors=True)
        tmp = folder.with_name(f".building-{folder.name}-{os.getpid()}")
        try:
            quads = _fill(tmp, sources, progress or _silent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        (tmp / COMPLETE).write_text(json.dumps({"sources": [n for n, _ in sources], "quads read": quads}),
                                    encoding="utf-8")
        if folder.exists():  # a store without its completion mark: damaged or half-removed, never read
            shutil.rmtree(folder)
        os.replace(tmp, folder)
        _collect(root / "stores", keep=folder)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)


def _silent(phase: str, done: int, total: int) -> None:
    pass


def _fill(tmp: Path, sources: list[tuple[str, Path]], progress: Progress) -> int:
    """Bulk-load the sources into a new store at `tmp` and write its comparison tables beside it, both at
    once: a loader thread loads the files one after another and then compacts the store (pyoxigraph
    releases the GIL for both, and they keep about one core busy), while this thread reads the same files
    and writes the tables (Python, the other core). Written one after the other, the tables doubled the
    build's time. One loader: a second one raised the peak from 0.64 to 1.04 GB at 100,000 claims and was
    no faster on two cores."""
    store = ox.Store(str(tmp))
    failed: list[BaseException] = []
    stop = threading.Event()
    total = len(sources)
    phase, loaded = ["loading"], [0]  # what this thread does, how many files the loader has loaded

    def say(now: str | None = None) -> None:
        if now is not None:
            phase[0] = now
        progress(phase[0], loaded[0], total)

    def load() -> None:
        try:
            for name, path in sources:
                if stop.is_set():
                    return
                try:
                    if name == "ontology":
                        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE,
                                        to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
                    else:
                        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
                except (SyntaxError, MemoryError) as exc:
                    raise unreadable(path, exc) from None
                loaded[0] += 1
                say()
            store.flush()
            store.optimize()  # RocksDB compacts what the bulk load wrote, while the tables are still written
        except BaseException as exc:  # handed to the building thread below
            failed.append(exc)

    say()
    loader = threading.Thread(target=load, name="claimkb-store-loader", daemon=True)
    loader.start()
    from ..tables import Collector

    collector = Collector(tmp)
    try:
        for name, path in sources:
            if failed:
                break
            try:
                collector.read(path, ox.RdfFormat.TURTLE if name == "ontology" else ox.RdfFormat.TRIG)
            except (SyntaxError, MemoryError) as exc:
                raise unreadable(path, exc) from None
        if not failed:
            say("writing the comparison tables")
            collector.write(tmp)
    except BaseException as exc:
        failed.append(exc)
        stop.set()
    finally:
        loader.join()
        collector.close()
    if failed:
        # closed before the caller removes its folder: an open store's background work can still write
        # files there, which would leave a `.building-*` folder behind
        del store
        raise failed[0]
    progress("done", total, total)
    return collector.quads


def _collect(stores: Path, keep: Path, limit: int = 8) -> None:
    """Keep the newest stores only, and any older one a reader holds (see `Held`)."""
    built = sorted((p for p in stores.iterdir() if p.is_dir() and not p.name.startswith(".")),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in built[limit:]:
        if old == keep:
            continue
        try:
            handle = _lock_file(old)
        except FileNotFoundError:
            continue
        try:
            if handle is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # in use: a later build collects it
            shutil.rmtree(old, ignore_errors=True)
        finally:
            if handle is not None:
                handle.close()
