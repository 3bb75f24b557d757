"""The one error hierarchy. Library code raises these; only the CLI turns them into messages."""

from __future__ import annotations


class KbError(Exception):
    """A failure the user can act on: a sentence saying what went wrong, and optionally what to do."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(KbError):
    """Bad input: a file, row, field or parameter that must be fixed. Says where when it is known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        where: str | None = None,
        hint: str | None = None,
    ) -> None:
        place = ", ".join(
            part
            for part in (
                str(file) if file else None,
                f"line {line}" if line else None,
                where,
            )
            if part
        )
        super().__init__(f"{place}: {message}" if place else message, hint=hint)
        self.file = file
        self.line = line
        self.where = where


class UsageError(KbError):
    """The command was called wrongly (unknown query, bad parameter, bad option value)."""

    exit_code = 2


class ValidationFailed(KbError):
    """The knowledge base breaks a shape, a check query or quote integrity."""


class InputErrors(InputError):
    """Several input problems found in one pass, so that a user can fix them all at once."""

    def __init__(self, errors: list[InputError]) -> None:
        KbError.__init__(self, errors[0].message, hint=errors[0].hint)
        self.file, self.line, self.where = errors[0].file, errors[0].line, errors[0].where
        self.errors = errors


def collect(errors: list[InputError]) -> None:
    """Raise the problems found so far: one as itself, several together."""
    flat: list[InputError] = []
    for error in errors:
        flat.extend(error.errors if isinstance(error, InputErrors) else [error])
    if len(flat) == 1:
        raise flat[0]
    if flat:
        raise InputErrors(flat)
