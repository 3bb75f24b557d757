"""A graph file is a pure function of its sheet: no clock, no absolute path, no machine in kb/."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from claimkb import resources

KB = resources.kb_dir()

# Installed as `sitecustomize` in a child process: the wall clock reads five years and a day ahead, for
# `time` and for `datetime` alike, before claimkb is imported.
CLOCK_SHIFT = textwrap.dedent('''
    import datetime as _dt, time as _time

    _SHIFT = (5 * 365 + 2) * 86400
    _real_time, _real_time_ns = _time.time, _time.time_ns
    _time.time = lambda: _real_time() + _SHIFT
    _time.time_ns = lambda: _real_time_ns() + _SHIFT * 1_000_000_000

    class _Date(_dt.date):
        @classmethod
        def today(cls):
            return cls.fromtimestamp(_time.time())

    class _DateTime(_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls.fromtimestamp(_time.time(), tz)

        @classmethod
        def today(cls):
            return cls.fromtimestamp(_time.time())

        @classmethod
        def utcnow(cls):
            return cls.now(_dt.timezone.utc).replace(tzinfo=None)

    _dt.date, _dt.datetime = _Date, _DateTime
''')

REBUILD = textwrap.dedent('''
    import datetime, sys, time
    from pathlib import Path
    from claimkb.ingest.build import build

    real_year = time.gmtime().tm_year  # gmtime() reads the real clock
    assert datetime.date.today().year - real_year >= 5, "the clock was not shifted"
    assert datetime.datetime.now().year - real_year >= 5 and time.time() > 1.7e9 + 5 * 365 * 86400
    kb = Path(sys.argv[1])
    built = build(sorted((kb / "sheets").glob("*.yaml")), kb)
    stale = [item.path.name for item in built if item.path.read_bytes() != item.data]
    print(len(built), " ".join(stale))
''')


def test_every_graph_rebuilds_byte_identical_with_the_clock_years_ahead(tmp_path):
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(CLOCK_SHIFT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(shim), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", REBUILD, str(KB)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    count, _, stale = done.stdout.strip().partition(" ")
    assert int(count) == len(list((KB / "sheets").glob("*.yaml")))
    assert stale == ""


def test_no_graph_file_records_an_absolute_path_or_this_machine():
    import socket

    home, host = os.path.expanduser("~"), socket.gethostname()
    for path in sorted((KB / "graphs").glob("*.trig")):
        text = path.read_text(encoding="utf-8")
        assert str(KB) not in text and home not in text, path.name
        assert f'"{host}' not in text, path.name
        assert '"/' not in text, path.name  # no literal starts with an absolute path
