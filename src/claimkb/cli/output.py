"""Write answers to stdout and everything else (counts, notes, progress) to stderr."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, BinaryIO

from ..render import Options, escape_controls, render
from .options import Format


def data(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        reader_left()


def binary(write: Callable[[BinaryIO], Any]) -> None:
    """Let `write` fill stdout as bytes (a text-only stdout, an embedding program's, gets them decoded)."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        import io

        held = io.BytesIO()
        write(held)
        data(held.getvalue().decode("utf-8"))
        return
    try:
        sys.stdout.flush()
        write(stream)
        stream.flush()
    except BrokenPipeError:
        reader_left()


def reader_left() -> None:
    """The reader of stdout closed it (`| head`): it has what it wanted, so the command ends as done (click
    would exit 1 on EPIPE). What is still buffered goes to /dev/null, as the Python documentation advises."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a descriptor (an embedding program's)
        pass


def note(text: str) -> None:
    sys.stdout.flush()  # what was printed before the note stays before it on a shared terminal
    sys.stderr.write(escape_controls(text.rstrip("\n")) + "\n")  # a note can quote a KB text: no raw ESC, CR


def emit(answer: Any, fmt: Format, *, empty: str | None = None, wide: bool = False, raw_cells: bool = False,
         count: bool = True) -> None:
    """Render an answer to stdout. A table is cut to the terminal's width only on a terminal and
    without --wide; an empty table prints `empty` on stderr instead. A picture format (`trace` and
    `claim` only) draws the answer with `pictures.PICTURES`."""
    from ..formats import PICTURE_FORMATS

    if fmt.value in PICTURE_FORMATS:  # the picture code is imported only when a picture is asked for
        from ..pictures import PICTURES

        data(PICTURES[fmt.value](answer))
        return
    records = answer.records() if hasattr(answer, "records") else answer
    if fmt.value == "table" and not len(records):
        if empty:
            note(empty)
        return
    width = None
    if fmt.value == "table" and not wide and sys.stdout.isatty():
        width = shutil.get_terminal_size((160, 24)).columns
    data(render(answer, fmt.value, Options(width=width, raw_cells=raw_cells)))
    if fmt.value == "table" and count and not hasattr(answer, "records"):
        note(f"{len(records)} row{'s' if len(records) != 1 else ''}")


class ProgressBar:
    """The progress of a long store build on stderr: shown after a second, redrawn each second on a
    terminal, a line every ten seconds otherwise (a CI log), and a closing line once it was shown."""

    AFTER = 1.0

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.state = ("loading", 0, 0)
        self.shown = False
        self.tty = sys.stderr.isatty()
        self.finished = threading.Event()
        self.ticker: threading.Thread | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        self.state = (phase, done, total)
        if self.ticker is None:
            self.ticker = threading.Thread(target=self._tick, name="claimkb-progress", daemon=True)
            self.ticker.start()
        if phase == "done":
            self.close()

    def _tick(self) -> None:
        interval = 1.0 if self.tty else 10.0
        if self.finished.wait(self.AFTER):
            return
        while True:
            self._draw()
            if self.finished.wait(interval):
                return

    def _draw(self) -> None:
        phase, done, total = self.state
        width = 30
        filled = width * done // max(1, total)
        bar = "#" * filled + "." * (width - filled)
        line = (f"building the store [{bar}] {done}/{total} files loaded, {phase}, "
                f"{time.monotonic() - self.started:.0f} s")
        sys.stderr.write(f"\r{line}" if self.tty else f"{line}\n")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        self.finished.set()
        if self.ticker is not None and self.ticker is not threading.current_thread():
            self.ticker.join()
        if self.shown:
            if self.tty:
                sys.stderr.write("\n")
            seconds = time.monotonic() - self.started
            done = self.state[0] == "done"  # else an error or Ctrl-C stopped the build: no store was made
            sys.stderr.write(f"built the store in {seconds:.1f} s\n" if done else
                             f"stopped building the store after {seconds:.1f} s; nothing was kept\n")
            sys.stderr.flush()
            self.shown = False
