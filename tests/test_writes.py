"""Writers and readers that cannot interleave, writes that never leave the knowledge base, and a full disk
that changes nothing."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
import threading

import claimkb
from claimkb.kbfiles import JOURNAL_NAME, TMP_PREFIX

from .helpers import snapshot

SHEET = textwrap.dedent("""\
    document:
      id: {doc}
      title: A test document
      kind: news-article
      published: {{start: 2024-11-07}}
      certainty: high
    curation: {{recorded_on: 2026-11-27}}
    claims:
    - id: X01-c1
      text: A claim both sheets want to add.
      claimant: bloomberg
      carriage: own-voice
      asserted: {{start: 2024-11-07}}
    """)


def test_two_imports_at_once_cannot_both_add_the_same_claim_id(kb_copy, tmp_path):
    outcomes = []
    for trial in range(5):
        sheets = []
        for n in range(2):
            path = tmp_path / f"t{trial}-{n}.yaml"
            path.write_text(SHEET.format(doc=f"X{trial}-doc-{n}"), encoding="utf-8")
            sheets.append(path)
        runs = [subprocess.Popen([sys.executable, "-m", "claimkb", "import", str(s), "--kb", str(kb_copy)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for s in sheets]
        codes = [r.wait(timeout=120) for r in runs]
        outcomes.append(codes)
        graphs = {p.name for p in (kb_copy / "graphs").glob(f"X{trial}-doc-*.trig")}
        assert len(graphs) <= 1, (codes, graphs)  # never both
        assert (codes.count(0) == 1) == (len(graphs) == 1)
        for name in graphs:  # the next trial may add X01-c1 again
            (kb_copy / "graphs" / name).unlink()
    assert all(code != 0 for codes in outcomes for code in codes if codes.count(0) > 1)


def test_a_write_never_follows_a_symbolic_link_out_of_the_knowledge_base(cli, kb_copy, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "victim.trig"
    target.write_text("# untouched\n", encoding="utf-8")
    sheet = tmp_path / "s.yaml"
    sheet.write_text(SHEET.format(doc="X9-doc"), encoding="utf-8")
    (kb_copy / "graphs" / "X9-doc.trig").symlink_to(target)  # a graph file that is a link
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    # refused already when the KB's graphs are read: a graph file may not lead out of the knowledge base
    assert run.err.splitlines() == [
        f"Error: {kb_copy.resolve() / 'graphs' / 'X9-doc.trig'}: a symbolic link to {target.resolve()}, outside the "
        "knowledge base",
        "Hint: remove it from graphs/ or replace it with the graph file itself (`claimkb import` rebuilds it)"]
    assert target.read_text(encoding="utf-8") == "# untouched\n"
    (kb_copy / "graphs" / "X9-doc.trig").unlink()
    real = kb_copy / "graphs"
    moved = tmp_path / "graphs-elsewhere"
    real.rename(moved)
    (kb_copy / "graphs").symlink_to(moved)  # the whole graphs/ folder is a link
    before = snapshot(moved)
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert "lies outside the knowledge base" in run.err
    assert snapshot(moved) == before


def test_reading_never_writes_even_when_a_killed_writer_left_a_journal(cli, kb_copy):
    graphs = kb_copy / "graphs"
    text = (graphs / "D31-ukdi-sep.trig").read_text(encoding="utf-8")
    (graphs / f"{TMP_PREFIX}d31").write_text(text.replace("1,271 a day", "1,271 a day (committed)"), encoding="utf-8")
    (kb_copy / JOURNAL_NAME).write_text(json.dumps([[f"graphs/{TMP_PREFIX}d31", "graphs/D31-ukdi-sep.trig"]]))
    before = snapshot(kb_copy)
    run = cli("claim", "D31-c1", "--kb", str(kb_copy), "--format", "json")
    assert run.code == 0, run.err
    assert "(committed)" in json.loads(run.out)[0]["text"]  # the commit the journal names, as it was meant
    assert snapshot(kb_copy) == before  # nothing rolled forward, nothing written
    assert claimkb.recover(kb_copy) == "rolled forward"  # the explicit step
    assert "(committed)" in (graphs / "D31-ukdi-sep.trig").read_text(encoding="utf-8")


def test_readers_see_whole_commits_while_a_writer_commits(kb_copy, tmp_path):
    """A reader in another thread, reading again and again while two files change in one commit, sees
    either both old or both new."""
    from claimkb.kbfiles import commit, writer_lock
    from claimkb.kbfiles import snapshot as read_snapshot

    graphs = kb_copy / "graphs"
    a, b = graphs / "D31-ukdi-sep.trig", graphs / "D21-ukdi-nov18.trig"
    seen: list[tuple[bool, bool]] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            files = dict(read_snapshot(kb_copy))
            seen.append((b"# round" in files[a.name], b"# round" in files[b.name]))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(30):
            with writer_lock(kb_copy, wait=True):
                marker = f"\n# round {n}\n".encode()
                commit(kb_copy, [(a, a.read_bytes().split(b"\n# round")[0] + marker, None),
                                 (b, b.read_bytes().split(b"\n# round")[0] + marker, None)])
    finally:
        stop.set()
        thread.join()
    assert seen and all(x == y for x, y in seen)


def test_a_full_disk_during_import_changes_nothing_and_leaves_no_temporary(cli, kb_copy, tmp_path, monkeypatch):
    sheet = tmp_path / "s.yaml"
    sheet.write_text(SHEET.format(doc="X8-doc"), encoding="utf-8")
    before = snapshot(kb_copy)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith("Error: cannot write ") and "No space left on device" in run.err
    monkeypatch.undo()
    after = {k: v for k, v in snapshot(kb_copy).items() if not k.endswith(".claimkb-write.lock")}
    assert after == {k: v for k, v in before.items() if not k.endswith(".claimkb-write.lock")}


def test_export_to_a_full_disk_or_a_folder_is_refused_cleanly(cli, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    run = cli("export", "--out", str(out))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[0] == f"Error: {out} is a folder"
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
    run = cli("export", "--out", str(out / "kb.trig"))
    assert (run.code, run.out) == (1, "")
    assert "No space left on device" in run.err
    assert list(out.iterdir()) == []


def test_an_import_into_a_read_only_kb_is_an_error_naming_the_folder(cli, kb_copy, tmp_path, monkeypatch):
    sheet = tmp_path / "s.yaml"
    sheet.write_text(SHEET.format(doc="X9-doc"), encoding="utf-8")
    before = snapshot(kb_copy)
    real_open = os.open

    def read_only(path, flags, *args):  # a read-only mount, as root cannot get with chmod alone
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    run = cli("import", str(sheet), "--kb", str(kb_copy))
    monkeypatch.undo()
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        f"Error: cannot write to the knowledge base {kb_copy.resolve()}: Read-only file system",
        "Hint: make a writable working copy with `claimkb init DIR` and use --kb DIR, or fix the folder's permissions"]
    assert snapshot(kb_copy) == before


def test_an_interrupt_after_the_commit_point_keeps_the_commit(kb_copy, monkeypatch):
    """Ctrl-C or SIGTERM (both raised in the main thread) landing after the journal is in place: the
    commit stands, as after a kill there. Readers already see it through the journal; deleting the
    temporaries then would take back a commit that readers had been shown."""
    import pytest

    from claimkb import kbfiles

    target = kb_copy / "graphs" / "zz-new.trig"
    data = b"<https://example.org/g> { <https://example.org/s> <https://example.org/p> \"1\" . }\n"
    real_fsync = kbfiles._fsync_dir

    def interrupted(folder):
        real_fsync(folder)
        if (kb_copy / JOURNAL_NAME).exists():
            raise KeyboardInterrupt

    monkeypatch.setattr(kbfiles, "_fsync_dir", interrupted)
    with pytest.raises(KeyboardInterrupt):
        kbfiles.commit(kb_copy, [(target, data, None)])
    monkeypatch.setattr(kbfiles, "_fsync_dir", real_fsync)
    sources, _state = kbfiles.graph_sources(kb_copy)
    assert dict(sources)["zz-new.trig"].read_bytes() == data  # what a reader reads now
    assert kbfiles.recover(kb_copy) == "rolled forward"
    assert target.read_bytes() == data and not (kb_copy / JOURNAL_NAME).exists()


def test_an_interrupt_between_the_journal_rename_and_the_next_line_keeps_the_commit(kb_copy, monkeypatch):
    """The commit point is the journal's rename itself: a signal handled on the very next bytecode still
    finds the commit standing (the state is read from the disk, not from a flag set after the rename)."""
    import pytest

    from claimkb import kbfiles

    target = kb_copy / "graphs" / "zz-new.trig"
    data = b"<https://example.org/g> { <https://example.org/s> <https://example.org/p> \"2\" . }\n"
    real_replace = os.replace

    def replace_then_interrupt(src, dst, *args, **kwargs):
        real_replace(src, dst, *args, **kwargs)
        if str(dst).endswith(JOURNAL_NAME):
            raise KeyboardInterrupt

    monkeypatch.setattr(kbfiles.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        kbfiles.commit(kb_copy, [(target, data, None)])
    monkeypatch.setattr(kbfiles.os, "replace", real_replace)
    assert kbfiles.recover(kb_copy) == "rolled forward" and target.read_bytes() == data


def test_an_interrupt_before_the_commit_point_leaves_no_temporary_at_all(kb_copy, monkeypatch):
    """Interrupted while the journal is written but not yet in place: nothing changes, and neither the
    graph temporaries nor the journal's own temporary stay behind."""
    import pytest

    from claimkb import kbfiles

    before = {p: p.read_bytes() for p in (kb_copy / "graphs").glob("*.trig")}
    calls = []

    def pause():
        calls.append(1)
        if len(calls) == 2:  # the pause after the journal's temporary is written
            raise KeyboardInterrupt

    monkeypatch.setattr(kbfiles, "_pause", pause)
    with pytest.raises(KeyboardInterrupt):
        kbfiles.commit(kb_copy, [(kb_copy / "graphs" / "zz-new.trig", b"# new\n", None)])
    assert list(kb_copy.rglob(TMP_PREFIX + "*")) == [] and not (kb_copy / JOURNAL_NAME).exists()
    assert {p: p.read_bytes() for p in (kb_copy / "graphs").glob("*.trig")} == before
