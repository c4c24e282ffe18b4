"""Library exceptions. Only the CLI (reportgen/cli/) maps them to exit codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in an input: ``FILE:LINE: field.path: message (got VALUE)``, or in a sheet of
    companies ``FILE:Sheet1!C7: field.path: message``. Line 0: a problem of something without lines (a mapping
    built in Python, an environment variable, a ``-P`` flag), shown ``WHERE: field.path: ...``."""

    file: str
    line: int
    field: str
    message: str
    got: str | None = None
    hint: str | None = None
    place: str | None = None  # a cell of a sheet of companies ("Sheet1!C7"), shown instead of the line

    def __str__(self) -> str:
        where = self.place or self.line  # line 0: an input without lines (a mapping built in Python)
        text = f"{self.file}:{where}: " if where else f"{self.file}: "
        text += f"{self.field}: {self.message}"
        if self.got is not None:
            text += f" (got {self.got})"
        if self.hint:
            text += f"; {self.hint}"
        # One line per problem, whatever the input holds: a key "a\nb", a value with U+202E, a file name
        # with a newline are shown escaped (they could otherwise forge or reorder lines of the report).
        return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


class ReportgenError(Exception):
    """Base of every error the tool reports without a traceback."""

    # The same input bytes, options and versions fail the same way (a rebuild may report the failure
    # again without running it); False for limits that a busy machine may hit once and not again.
    repeatable = True


class SpecError(ReportgenError):
    """An input file broke the contract. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateError(ReportgenError):
    """A template could not be loaded or rendered (including sandbox violations and limits)."""


class ResourceLimitError(TemplateError):
    """A user template's render ran out of time or memory: worth trying again, never cached."""

    repeatable = False


class StrictError(ReportgenError):
    """``--strict`` turned warnings into errors; carries every warning."""

    def __init__(self, warnings: list[str]):
        self.warnings = list(warnings)
        super().__init__("\n".join(f"strict: {w}" for w in self.warnings))


EX_TEMPFAIL = 75  # sysexits.h: a temporary failure; cron wrappers and systemd retry on it


class BuildLockedError(ReportgenError):
    """Another build holds the output folder's lock: try again later (the command exits EX_TEMPFAIL)."""

    exit_code = EX_TEMPFAIL


class OutputFolderError(ReportgenError):
    """The output folder cannot be written at all (read-only, permission denied): nothing was built."""


class UsageError(ReportgenError):
    """The command line asked for something impossible (exit 2)."""


def reraise_interrupt(exc: BaseException) -> None:
    """Raise the KeyboardInterrupt behind ``exc``, if there is one. A Ctrl-C that lands while an extension
    module imports comes back as that module's ImportError (numpy: "failed to import"); it is still a Ctrl-C,
    not a failed brief."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            raise KeyboardInterrupt from exc
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
