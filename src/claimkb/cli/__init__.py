"""The `claimkb` command line. The root only composes the command groups and maps errors."""

from __future__ import annotations

import gc
import os
import signal
import sys
from typing import Annotated

import click
import typer

from ..errors import InputErrors, KbError
from . import draftcmd, kbcmds, query, read

app = typer.Typer(
    name="claimkb",
    help="A claim-and-source fact-checking knowledge base: trace a number to its source, see who "
         "asserted what and where sources disagree.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},  # subcommands inherit both
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version  # the installed distribution's; tested equal to __version__

        sys.stdout.write(f"claimkb {version('claimkb')}\n")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """A claim-and-source fact-checking knowledge base: trace a number to its source, see who asserted
    what and where sources disagree."""


for group in (read.app, kbcmds.app, draftcmd.app):
    for command in group.registered_commands:
        app.registered_commands.append(command)
app.add_typer(query.app, name="query")


def _fail(message: str, hint: str | None, code: int) -> int:
    from ..render import escape_controls  # a message can quote a server's answer or a file: no raw escapes

    sys.stderr.write(f"Error: {escape_controls(message)}\n")
    if hint:
        sys.stderr.write(f"Hint: {escape_controls(hint)}\n")
    return code


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like Ctrl-C's KeyboardInterrupt: a store being built is stopped
    and its folder removed on the way out, instead of the process dying with it half-written."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and turn every expected failure into `Error:`/`Hint:` and an exit code."""
    command = typer.main.get_command(app)
    if argv is None:  # a real process: a character the terminal's encoding lacks is replaced, never a traceback
        # one command, then exit: at the collector's default threshold it walks an answer's records (acyclic
        # NamedTuples, hundreds of thousands in a popular trace) again and again while they are being made
        gc.set_threshold(200_000, 30, 30)
        signal.signal(signal.SIGTERM, _terminated)
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="replace")
    try:
        result = command.main(args=argv if argv is not None else sys.argv[1:], prog_name="claimkb",
                              standalone_mode=False)
    except InputErrors as exc:
        for error in exc.errors:
            _fail(error.message, error.hint, exc.exit_code)
        return _exit(exc.exit_code, argv)
    except KbError as exc:
        if os.environ.get("CLAIMKB_DEBUG"):
            raise
        return _exit(_fail(exc.message, exc.hint, exc.exit_code), argv)
    except click.exceptions.NoArgsIsHelpError as exc:
        sys.stderr.write(exc.ctx.get_help() + "\n") if exc.ctx else None
        return _exit(2, argv)
    except click.UsageError as exc:
        hint = f"see `{exc.ctx.command_path} --help`" if exc.ctx else "see `claimkb --help`"
        return _exit(_fail(exc.format_message(), hint, 2), argv)
    except click.exceptions.Abort:
        return _exit(_fail("interrupted", None, 130), argv)
    except Terminated:
        return _exit(_fail("terminated (SIGTERM)", None, 143), argv)
    except BrokenPipeError:
        return _exit(0, argv)
    code = result if isinstance(result, int) else 0
    return _exit(code, argv)


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:
        sys.stdout.flush()
        sys.exit(code)
    return code
