"""Where the knowledge base lives: the bundled one is read-only, `claimkb init` makes a working one, and
commands find it in the documented order (--kb, CLAIMKB_KB, ./kb with graphs/, else the bundled one)."""

from __future__ import annotations

import json

import pytest

from claimkb import api, resources

from .helpers import KB, snapshot


def test_init_copies_the_bundled_kb_and_it_answers_the_same(cli, tmp_path):
    run = cli("init", str(tmp_path / "work"))
    graphs = len(list((KB / "graphs").glob("*.trig")))
    assert (run.code, run.out) == (0, "")
    assert run.err == (f"made the knowledge base {tmp_path / 'work'} ({graphs} graphs); use it with --kb "
                       f"{tmp_path / 'work'} or CLAIMKB_KB={tmp_path / 'work'}\n")
    assert snapshot(tmp_path / "work") == {k: v for k, v in snapshot(KB).items() if not k.startswith(".claimkb-")}
    assert cli("who", "--kb", str(tmp_path / "work"), "--format", "csv").out == cli("who", "--format", "csv").out


def test_init_never_writes_into_an_existing_folder(cli, tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "notes.txt").write_text("mine")
    run = cli("init", str(tmp_path / "work"))
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines() == [f"Error: {tmp_path / 'work'} exists and is not an empty folder",
                                    "Hint: give a new folder (claimkb init never writes into an existing "
                                    "knowledge base)"]
    assert snapshot(tmp_path / "work") == {"notes.txt": b"mine"}


def test_an_empty_kb_answers_that_it_has_no_claims(cli, tmp_path):
    assert cli("init", str(tmp_path / "empty"), "--empty").code == 0
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == ["archive", "graphs", "sheets"]
    run = cli("who", "--kb", str(tmp_path / "empty"))
    assert (run.code, run.out, run.err) == (0, "", "No claims in the knowledge base.\n")
    assert [p.name for p in (tmp_path / "empty" / "graphs").iterdir()] == ["agents.trig"]  # the built-in agents


def test_an_empty_kb_takes_a_claimreview_export_with_its_claim(cli, tmp_path, kb_copy):
    review = cli("review", "D01-c02", "--rating", "Accurately relayed", "--explanation", "As published.", "--url",
                 "https://factcheck.example.org/701650", "--author", "Example Fact Check", "--date", "2024-11-07",
                 "--kb", str(kb_copy))
    assert review.code == 0, review.err
    exported = cli("export", "--format", "claimreview", "--kb", str(kb_copy))
    (tmp_path / "reviews.json").write_text(exported.out, encoding="utf-8")
    assert cli("init", str(tmp_path / "empty"), "--empty").code == 0
    run = cli("import", str(tmp_path / "reviews.json"), "--kb", str(tmp_path / "empty"))
    assert run.code == 0, run.err
    again = cli("export", "--format", "claimreview", "--kb", str(tmp_path / "empty")).out

    def kept(markup):  # what a round trip into a knowledge base without the claim must keep
        return [(r["url"], r["claimReviewed"], r["reviewRating"], r["author"]["name"], r["itemReviewed"]["text"],
                 r["itemReviewed"]["appearance"]["url"], r["itemReviewed"]["author"]["name"]) for r in markup]

    assert kept(json.loads(again)) == kept(json.loads(exported.out))


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """claimkb as an installed wheel sees it: the bundled data is read-only, the working folder has no kb/."""
    monkeypatch.setattr(resources, "is_bundled", lambda: True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMKB_KB", raising=False)


def test_an_installed_bundled_kb_refuses_to_be_written_and_names_init(cli, installed):
    before = snapshot(KB)
    run = cli("import", str(KB / "sheets" / "D01-seed.yaml"))
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines() == ["Error: the bundled knowledge base is read-only",
                                    "Hint: make a working copy with `claimkb init DIR`, then pass --kb DIR"]
    assert snapshot(KB) == before


def test_the_kb_is_found_in_the_documented_order(installed, tmp_path, monkeypatch):
    assert api.locate(None) == (resources.kb_dir(), True)  # nothing else: the bundled one, read-only
    api.init(tmp_path / "kb")
    assert api.locate(None) == (api.Path("kb"), False)  # ./kb with a graphs/ folder
    assert api.locate(tmp_path / "elsewhere") == (tmp_path / "elsewhere", False)  # --kb (or CLAIMKB_KB)


def test_claimkb_kb_points_commands_at_a_working_kb(cli, installed, tmp_path, monkeypatch):
    api.init(tmp_path / "mine", empty=True)
    monkeypatch.setenv("CLAIMKB_KB", str(tmp_path / "mine"))
    run = cli("who")
    assert (run.code, run.out, run.err) == (0, "", "No claims in the knowledge base.\n")
