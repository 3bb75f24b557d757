"""Every command shown in the README prints exactly the output shown there."""

import pytest

from .readme_examples import README, examples, run

EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_the_readme_shows_the_main_jobs():
    commands = [c for c, _ in EXAMPLES]
    assert any(c.startswith("claimkb trace") for c in commands)
    assert any(c.startswith("claimkb who") for c in commands)
    assert any(c.startswith("claimkb disagreements") for c in commands)
    assert any("--format csv" in c for c in commands)


@pytest.mark.parametrize(("command", "output"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_output_is_current(command, output):
    assert run(command) == output, "run `python -m tests.readme_examples --write` and review the diff"
