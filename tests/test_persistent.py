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
