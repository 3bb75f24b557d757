"""The README's `console` examples are real: this module reruns them and can rewrite their output.

    python -m tests.readme_examples --write     # refresh README.md after a change of output
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.DOTALL)
COLUMNS = "120"


def run(command: str) -> str:
    from claimkb.cli import main

    args = shlex.split(command)
    assert args[0] == "claimkb", command
    out, err = io.StringIO(), io.StringIO()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = COLUMNS
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args[1:])
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    assert code == 0, (command, err.getvalue())
    return out.getvalue()


def examples(text: str) -> list[tuple[str, str]]:
    return [(m["command"], m["output"]) for m in BLOCK.finditer(text)]


def rewrite(text: str) -> str:
    return BLOCK.sub(lambda m: f"```console\n$ {m['command']}\n{run(m['command'])}```", text)


if __name__ == "__main__":
    if "--write" in sys.argv:
        README.write_text(rewrite(README.read_text(encoding="utf-8")), encoding="utf-8")
