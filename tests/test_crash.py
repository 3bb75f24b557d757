"""Crash-safe writes: an import killed (SIGKILL) at random points leaves kb/ exactly as it was before or
exactly as it is after a complete import, never anything else, and the next run cleans up.

    CLAIMKB_KILL_POINTS=100 python -m pytest tests/test_crash.py     # the full run (default: 12 points)
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimkb import resources
from claimkb.kbfiles import GENERATION_NAME, JOURNAL_NAME, LOCK_NAME, TMP_PREFIX, recover, writer_lock

DATA = Path(__file__).parent / "data"
POINTS = int(os.environ.get("CLAIMKB_KILL_POINTS", "12"))
PAUSE = "0.05"  # seconds between commit steps, so that kills also land inside the commit


def state(folder: Path) -> dict[str, bytes]:
    """The files of a knowledge base, but for its lock and its commit counter."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in (LOCK_NAME, GENERATION_NAME)}


def run_import(kb: Path, sheets: list[Path]) -> subprocess.Popen:
    env = dict(os.environ, CLAIMKB_WRITE_PAUSE=PAUSE)
    return subprocess.Popen([sys.executable, "-m", "claimkb", "import", *map(str, sheets), "--kb", str(kb)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Before and after states of an import that writes two graph files in one commit."""
    root = tmp_path_factory.mktemp("crash")
    edited = root / "D31-edited.yaml"
    edited.write_text((resources.kb_dir() / "sheets" / "D31-ukdi-sep.yaml").read_text(encoding="utf-8")
                      .replace("1,271 a day", "1,271 a day (edited)"), encoding="utf-8")
    sheets = [DATA / "T01-test.csv", edited]
    before = root / "before"
    shutil.copytree(resources.kb_dir(), before, ignore=shutil.ignore_patterns(".claimkb-*"))
    after = root / "after"
    shutil.copytree(before, after)
    start = time.monotonic()
    process = run_import(after, sheets)
    assert process.wait(timeout=120) == 0, process.stderr.read().decode()
    duration = time.monotonic() - start
    return root, sheets, state(before), state(after), duration


@pytest.mark.slow
def test_the_scenario_changes_two_files(scenario):
    _root, _sheets, before, after, _duration = scenario
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    assert changed == ["graphs/D31-ukdi-sep.trig", "graphs/T01-test.trig"]


@pytest.mark.slow
def test_an_import_killed_at_random_points_leaves_the_old_state_or_the_new(scenario):
    root, sheets, before, after, duration = scenario
    rng = random.Random(20241105)
    outcomes = {"before": 0, "after": 0}
    for point in range(POINTS):
        kb = root / f"kill-{point}"
        shutil.copytree(root / "before", kb)
        # half the kills anywhere in the run, half in its last half-second, where the commit happens
        delay = rng.uniform(0, duration) if point % 2 == 0 else rng.uniform(max(0, duration - 0.5), duration)
        process = run_import(kb, sheets)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        with writer_lock(kb, wait=True):  # what the next run does first
            pass
        now = state(kb)
        assert not any(TMP_PREFIX in name or name == JOURNAL_NAME for name in now), f"leftovers at {delay:.3f}s"
        assert now in (before, after), f"a mixed state after a kill at {delay:.3f}s"
        outcomes["before" if now == before else "after"] += 1
        shutil.rmtree(kb)
    assert sum(outcomes.values()) == POINTS
    print(f"kill points: {POINTS}, old state: {outcomes['before']}, new state: {outcomes['after']}")


def test_recovery_rolls_a_committed_journal_forward(tmp_path):
    kb = tmp_path / "kb"
    (kb / "graphs").mkdir(parents=True)
    (kb / "graphs" / "a.trig").write_bytes(b"old")
    (kb / "graphs" / f"{TMP_PREFIX}a").write_bytes(b"new")
    (kb / "graphs" / f"{TMP_PREFIX}stray").write_bytes(b"half")
    (kb / JOURNAL_NAME).write_text(f'[["graphs/{TMP_PREFIX}a", "graphs/a.trig"]]')
    assert recover(kb) == "rolled forward"
    assert sorted(p.name for p in kb.rglob("*") if p.is_file()) == [GENERATION_NAME, "a.trig"]
    assert (kb / "graphs" / "a.trig").read_bytes() == b"new"


def test_a_second_writer_is_refused_and_told_who_holds_the_lock(tmp_path):
    from claimkb.errors import KbError

    with writer_lock(tmp_path):
        with pytest.raises(KbError, match=r"the knowledge base is being written by pid \d+ on "):
            with writer_lock(tmp_path):
                pass


@pytest.mark.parametrize("journal", [
    '[["archive/payload.txt", "/tmp/claimkb-victim.txt"]]',
    '[[".claimkb-tmp-x", "../outside.txt"]]',
    '[["graphs/.claimkb-tmp-a", "/etc/passwd"]]',
    '{"x": 1}',
    '[["a"]]',
])
def test_a_planted_journal_moves_nothing_and_is_reported(cli, kb_copy, journal):
    (kb_copy / JOURNAL_NAME).write_text(journal)
    victim = Path("/tmp/claimkb-victim.txt")
    victim.write_text("keep me")
    run = cli("who", "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == f"Error: {kb_copy.resolve() / JOURNAL_NAME} is not a claimkb journal"
    assert victim.read_text() == "keep me"


def test_import_works_with_a_relative_kb_path(cli, kb_copy, monkeypatch):
    monkeypatch.chdir(kb_copy.parent)
    run = cli("import", str(DATA / "T01-test.csv"), "--kb", kb_copy.name)
    assert run.code == 0, run.err
