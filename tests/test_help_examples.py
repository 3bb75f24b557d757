"""Every example in every command's help runs and answers (the README's console blocks are rerun by
test_readme.py).

Examples run in-process in a scratch folder holding a copy of the bundled knowledge base as ./kb (the
folder `claimkb` uses when it is there), another as ./scratch-kb, the seed article as ./article.txt and its
sheet as ./my-sheet.yaml, with HOME in the scratch folder, so the writing commands (init, import, export
--out, draft, review, report) write only there. Left out, and why:
- `claimkb push ...`: needs a SPARQL server; tests/test_contract.py and tests/test_faults.py push to one.
"""

from __future__ import annotations

import glob
import os
import shlex

import pytest
import typer

from claimkb.cli import app

from .helpers import copy_kb, run_cli

NEEDS_A_SERVER = ("claimkb push ",)
# examples whose answer on the bundled data goes to stderr alone (a note that there is nothing to list)
NOTE_ONLY = {"claimkb disagreements --uncompared": "Every figure can be compared.\n"}


def examples() -> list[str]:
    root = typer.main.get_command(app)
    found = []
    commands = [root.commands[n] for n in root.commands]
    for command in list(commands):
        commands += [command.commands[n] for n in getattr(command, "commands", {})]
    for command in commands:
        text = command.help or ""
        if "Examples:" not in text:
            continue
        for line in text.split("Examples:", 1)[1].splitlines():
            line = line.strip().lstrip("\b").strip()
            if line.startswith("claimkb "):
                found.append(line)
    return found


EXAMPLES = examples()


def test_every_command_has_examples_to_run():
    assert len(EXAMPLES) >= 25
    assert "claimkb query run comparisons -p \"relation=numeric conflict\" --format csv" in EXAMPLES


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    copy_kb(tmp_path / "kb")
    copy_kb(tmp_path / "scratch-kb")  # the drafting examples' knowledge base
    (tmp_path / "article.txt").write_bytes((tmp_path / "kb" / "archive" / "D01-seed.txt").read_bytes())
    (tmp_path / "my-sheet.yaml").write_bytes((tmp_path / "kb" / "sheets" / "D01-seed.yaml").read_bytes())
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "my-query.rq").write_text(
        "PREFIX schema: <http://schema.org/>\nSELECT ?c WHERE { ?c a schema:Claim } ORDER BY ?c LIMIT 3\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMKB_KB", raising=False)
    monkeypatch.delenv("CLAIMKB_ENDPOINT", raising=False)
    return tmp_path


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_help_example_runs(scratch, example):
    if example.startswith(NEEDS_A_SERVER):
        pytest.skip("needs a SPARQL server (push is tested against one in test_contract.py and test_faults.py)")
    args = []
    words = shlex.split(example)[1:]
    redirect = words[words.index(">") + 1] if ">" in words else None  # what the shell would write
    for word in words[: words.index(">")] if redirect else words:
        word = os.path.expanduser(word)  # what the shell would expand
        args += sorted(glob.glob(word)) if "*" in word else [word]
    run = run_cli(*args)
    assert run.code == 0, (example, run.err)
    if redirect:
        (scratch / redirect).write_text(run.out, encoding="utf-8")
    if example in NOTE_ONLY:
        assert (run.out, run.err) == ("", NOTE_ONLY[example])
    elif "--out" in args:
        assert os.path.getsize(args[args.index("--out") + 1]) > 0
    elif args[0] in ("import", "review", "report"):
        assert run.err.startswith("wrote "), (example, run.err)
    elif args[0] == "init":
        assert run.err.startswith("made the knowledge base ") and (scratch / args[1]).is_dir(), run.err
    elif args[0] == "validate":  # findings on stdout (none on the bundled data), the summary on stderr
        assert "0 violations, 0 warnings" in run.err
    else:
        lines = run.out.splitlines()
        assert len(lines) >= (2 if "--format" in args and args[args.index("--format") + 1] in ("csv", "tsv") else 1), (
            example, run.out, run.err)
