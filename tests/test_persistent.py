"""The persistent store: built once, reopened read-only, rebuilt when any source's content changes,
never stale, safe when two commands run at once, and the same answers as the in-memory store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from claimkb.backends.persistent import cache_root


@pytest.fixture
def disk(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "disk")
    monkeypatch.setenv("CLAIMKB_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def stores(cache):
    folder = cache / "stores"
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def test_the_disk_store_answers_like_the_memory_store(cli, disk, monkeypatch):
    on_disk = [cli(*args, "--format", "json").out for args in (["who"], ["disagreements"], ["trace", "701650"])]
    assert len(stores(disk)) == 1
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "memory")
    in_memory = [cli(*args, "--format", "json").out for args in (["who"], ["disagreements"], ["trace", "701650"])]
    assert on_disk == in_memory


def test_a_changed_source_gives_a_new_store_never_a_stale_one(cli, disk, kb_copy):
    first = json.loads(cli("trace", "1,271", "--kb", str(kb_copy), "--format", "json").out)
    assert len(first) == 1
    path = kb_copy / "graphs" / "D31-ukdi-sep.trig"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "schema:value 1271.0 ;" in text
    path.write_text(text.replace("schema:value 1271.0 ;", "schema:value 1272.0 ;"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime: content decides, not timestamps
    run = cli("trace", "1,271", "--kb", str(kb_copy), "--format", "json")
    assert run.code == 1 and "no claim carries the value '1,271'" in run.err
    assert len(stores(disk)) == 2


def test_a_deleted_store_is_rebuilt(cli, disk):
    import shutil

    assert cli("who").code == 0
    shutil.rmtree(disk / "stores")
    assert cli("who").code == 0
    assert len(stores(disk)) == 1


def test_two_commands_at_once_build_one_store(disk, tmp_path):
    env = dict(os.environ)
    runs = [subprocess.Popen([sys.executable, "-m", "claimkb", "who", "--format", "csv"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [r.communicate(timeout=120) for r in runs]
    assert [r.returncode for r in runs] == [0, 0, 0]
    assert len({out for out, _err in outputs}) == 1
    assert len(stores(disk)) == 1


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMKB_CACHE", str(tmp_path / "x"))
    assert cache_root() == tmp_path / "x"
    monkeypatch.delenv("CLAIMKB_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "claimkb"


def test_a_graph_store_url_in_the_environment_does_not_disturb_local_commands(cli, monkeypatch):
    monkeypatch.setenv("CLAIMKB_STORE", "http://127.0.0.1:7878/store")  # push's --store, not the store mode
    assert cli("who").code == 0
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "sideways")
    run = cli("who")
    assert (run.code, run.err.splitlines()[0]) == (1, "Error: CLAIMKB_STORE_MODE is 'sideways'")


def test_a_build_that_takes_a_while_shows_progress_on_stderr(disk, monkeypatch, capsys):
    import claimkb
    from claimkb.cli.output import ProgressBar

    heard = []
    claimkb.open(progress=lambda *state: heard.append(state))
    assert heard[0] == ("loading", 0, len(heard[0]) and heard[0][2]) and heard[-1][0] == "done"
    assert capsys.readouterr().err == ""  # the library itself never writes to stderr
    monkeypatch.setattr(ProgressBar, "AFTER", 0.0)
    bar = ProgressBar()
    bar("loading", 0, 3)
    time.sleep(0.2)
    bar("done", 3, 3)
    err = capsys.readouterr().err
    assert "building the store [" in err and "files loaded" in err
    assert err.rstrip().splitlines()[-1].startswith("built the store in ")
    claimkb.open(progress=lambda *state: heard.append(("again",) + state))  # reopened: no build
    assert not any(h[0] == "again" for h in heard)


def test_a_broken_file_stops_the_build_with_its_name_and_leaves_no_store(cli, disk, kb_copy):
    """The loader and the tables' reader read the files side by side; either one meeting the broken file
    stops the build: one clear error, no store, no half-built folder, and the next run builds again."""
    broken = kb_copy / "graphs" / "zz-broken.trig"
    broken.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    run = cli("who", "--kb", str(kb_copy))
    assert run.code != 0 and "not valid RDF" in run.err and "zz-broken.trig" in run.err and "Traceback" not in run.err
    assert stores(disk) == [] and not [p for p in (disk / "stores").iterdir() if p.name.startswith(".building")]
    broken.unlink()
    assert cli("who", "--kb", str(kb_copy)).code == 0
    assert len(stores(disk)) == 1


def test_a_build_that_stops_says_so_and_never_that_it_built(monkeypatch, capsys):
    from claimkb.cli.output import ProgressBar

    monkeypatch.setattr(ProgressBar, "AFTER", 0.0)
    bar = ProgressBar()
    bar("loading", 1, 3)
    time.sleep(0.2)
    bar.close()  # what `open_kb` does when an error or Ctrl-C ends the build
    last = capsys.readouterr().err.rstrip().splitlines()[-1]
    assert last.startswith("stopped building the store after ") and "nothing was kept" in last


@pytest.mark.parametrize("mode", ["memory", "disk"])
def test_a_literal_longer_than_the_parser_reads_is_an_error_naming_the_file(cli, disk, kb_copy, monkeypatch, mode):
    """Oxigraph's parser holds one term in a buffer of at most 16 MiB: a longer literal is an error that
    names the file and says what to do, in both modes, and leaves no store behind."""
    monkeypatch.setenv("CLAIMKB_STORE_MODE", mode)
    huge = kb_copy / "graphs" / "zz-huge.trig"
    text = "x" * (17 * 1024 * 1024)
    huge.write_text(f'<https://example.org/g> {{ <https://example.org/a> <https://example.org/b> "{text}" . }}\n',
                    encoding="utf-8")
    run = cli("who", "--kb", str(kb_copy))
    assert run.code == 1 and "Traceback" not in run.err
    assert "zz-huge.trig: cannot load:" in run.err and "longer than the parser reads (16 MiB)" in run.err
    assert "Hint: shorten that text" in run.err
    assert stores(disk) == []
    assert not (disk / "stores").exists() or not list((disk / "stores").iterdir())


def test_a_killed_build_leaves_nothing_the_next_build_keeps(cli, disk):
    """A build killed (SIGKILL, SIGTERM) leaves its `.building-*` folder; the next build, which holds the
    build lock, removes every such folder, since a build in progress would hold that lock."""
    orphans = [disk / "stores" / f".building-{'0' * 32}-{pid}" for pid in (4242, 4343)]
    for orphan in orphans:
        (orphan / "sub").mkdir(parents=True)
        (orphan / "sub" / "000001.sst").write_bytes(b"\0" * 1024)
    assert cli("who").code == 0
    assert [p.name for p in (disk / "stores").iterdir()] == stores(disk) and len(stores(disk)) == 1


def test_a_store_without_its_completion_mark_is_built_again(cli, disk):
    """A store folder without `claimkb-store.json` (damaged, or a removal cut short) is never read: the
    next command builds the store again in its place."""
    from claimkb.backends.persistent import COMPLETE

    first = cli("who", "--format", "json")
    assert first.code == 0
    (folder,) = [disk / "stores" / name for name in stores(disk)]
    (folder / COMPLETE).unlink()
    again = cli("who", "--format", "json")
    assert again.code == 0 and again.out == first.out and "Traceback" not in again.err
    assert (folder / COMPLETE).is_file() and stores(disk) == [folder.name]


def test_an_empty_graph_file_is_read_as_nothing_alike_and_validate_points_at_it(cli, disk, kb_copy, monkeypatch):
    """An empty graph file is valid TriG, so every command reads it as nothing, in both modes alike; it is
    often a write cut short, so `validate` warns about it by name (and `--strict` fails on it)."""
    (kb_copy / "graphs" / "zz-empty.trig").write_bytes(b"")
    (kb_copy / "graphs" / "zz-prefixes.trig").write_text("@prefix ex: <https://example.org/> .\n", encoding="utf-8")
    on_disk = cli("who", "--kb", str(kb_copy), "--format", "json")
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "memory")
    assert on_disk.code == 0 and on_disk.out == cli("who", "--kb", str(kb_copy), "--format", "json").out
    report = cli("validate", "--kb", str(kb_copy), "--format", "csv")
    assert report.code == 0 and "0 violations, 2 warnings" in report.err
    warned = [line for line in report.out.splitlines() if "holds no triples" in line]
    assert [w.split(",")[2].rsplit("/", 1)[1] for w in warned] == ["zz-empty.trig", "zz-prefixes.trig"]
    assert cli("validate", "--strict", "--kb", str(kb_copy)).code != 0


def test_a_build_terminated_by_sigterm_keeps_nothing_and_says_so(disk, kb_copy):
    """SIGTERM (a time cap, `kill`, a container stopping) ends a build as Ctrl-C does: the half-built
    folder is removed, the process says so and exits 143. Without the handler it died on the spot and left
    the `.building-*` folder (gigabytes at scale) until the next build under the same cache."""
    import os
    import signal
    import subprocess
    import sys

    lines = [f"<https://example.org/s{i}> <https://example.org/p> \"{i} {'x' * 40}\" ." for i in range(400_000)]
    (kb_copy / "graphs" / "zz-big.trig").write_text(
        "<https://example.org/g> {\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")
    env = dict(os.environ, CLAIMKB_STORE_MODE="disk", CLAIMKB_CACHE=str(disk))
    process = subprocess.Popen([sys.executable, "-m", "claimkb", "who", "--kb", str(kb_copy)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    building = disk / "stores"
    deadline = time.monotonic() + 60
    while not (building.is_dir() and any(p.name.startswith(".building") for p in building.iterdir())):
        assert process.poll() is None, "the build ended before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.3)  # inside the build, loader and reader both running
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    assert "terminated (SIGTERM)" in err and "Traceback" not in err
    assert list(building.iterdir()) == []


def test_what_the_tables_answer_never_opens_the_store(cli, disk, monkeypatch):
    """trace, who and `disagreements --quantity` (of a quantity with findings) read the comparison tables
    only: the store beside them is opened when a query first needs it (the whole `disagreements` reads the
    quotations and curated contradictions from it; `timeline` its claims), never before."""
    from claimkb.backends import persistent

    opened = []
    real = persistent.open_read_only
    monkeypatch.setattr(persistent, "open_read_only", lambda folder: opened.append(folder) or real(folder))
    assert cli("who").code == 0  # builds the store
    for args in (["trace", "701650"], ["who"], ["who", "Ministry of Defence of Ukraine"],
                 ["disagreements", "--quantity", "qk:ru-casualties-daily-mean-month"]):
        run = cli(*args)
        assert run.code == 0, (args, run.err)
    assert opened == []
    for args in (["disagreements"], ["timeline"]):
        assert cli(*args).code == 0
    assert len(opened) == 2 and all(folder.parent == disk / "stores" for folder in opened)


def test_a_store_that_cannot_be_opened_is_a_clear_error_when_first_needed(cli, disk):
    import shutil

    assert cli("who").code == 0
    (folder,) = [disk / "stores" / name for name in stores(disk)]
    for part in folder.iterdir():  # the store's own files gone, its completion mark and tables kept
        if part.name.startswith(("CURRENT", "MANIFEST", "OPTIONS")):
            part.unlink()
    assert cli("who").code == 0  # answered by the tables
    run = cli("timeline")
    assert run.code != 0 and "cannot open the store in" in run.err and "Traceback" not in run.err
    assert "CLAIMKB_CACHE" in run.err
    shutil.rmtree(folder)


def test_a_store_a_reader_holds_is_kept_when_older_stores_are_collected(disk, kb_copy):
    """Older stores are removed after a build (`_collect`), but never one a reader holds: an open knowledge
    base opens its store when a query first needs it, which may be long after it was opened."""
    import gc

    import claimkb
    from claimkb.backends.persistent import _collect

    kb = claimkb.open(kb_copy)
    assert len(kb.who()) > 0  # answered by the tables; the store itself not yet opened
    (folder,) = [disk / "stores" / name for name in stores(disk)]
    _collect(disk / "stores", keep=disk / "none", limit=0)  # as a build of eight newer stores would
    assert folder.is_dir()
    assert len(kb.timeline()) > 0  # opens the store now
    del kb
    gc.collect()
    _collect(disk / "stores", keep=disk / "none", limit=0)
    assert not folder.exists()


def test_a_store_removed_by_hand_after_opening_says_so(disk, kb_copy):
    import shutil

    import claimkb

    kb = claimkb.open(kb_copy)
    (folder,) = [disk / "stores" / name for name in stores(disk)]
    shutil.rmtree(folder)
    with pytest.raises(claimkb.KbError) as caught:
        kb.timeline()
    assert "was removed after the knowledge base was opened" in str(caught.value)
    assert "open the knowledge base again" in caught.value.hint
