"""Printing a build's progress and summary: rich on a terminal, plain lines for cron and logs."""

from __future__ import annotations

import sys
from typing import Any

from reportgen.batch.job import Result


def shown(text: object) -> str:
    """``text`` as one line of a terminal or a log: every character that is not printable (C0 and C1
    controls with ESC, CR and the newline, bidirectional and other format characters, line and paragraph
    separators) as its Python escape, as reportgen.errors.Problem shows a located error. A file name with
    ANSI or OSC sequences, a CR or a newline once recoloured the terminal, set its title, or forged a
    ``built ...`` line."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(text))


def shown_lines(text: object) -> list[str]:
    """A message of several lines (a template error, every strict warning) as lines, each shown()."""
    return [shown(line) for line in str(text).split("\n")]


def _message(prefix: str, text: object) -> str:
    """``prefix`` then the message, its further lines indented: no line of it can pass for another kind."""
    lines = shown_lines(text)
    return "\n".join([prefix + lines[0], *("  " + line for line in lines[1:])])


class Reporter:
    """The ``on_event`` callback of ``build``; prints nothing with ``quiet``."""

    def __init__(self, quiet: bool = False, rich: bool | None = None):
        self.quiet = quiet
        self.rich = sys.stderr.isatty() if rich is None else rich
        self.progress: Any = None
        self.task: Any = None

    def __call__(self, kind: str, payload: Any) -> None:
        if self.quiet:
            return
        if kind == "plan":
            self._plan(payload)
        elif kind == "done":
            self._done(payload)

    def _plan(self, plan: dict[str, int]) -> None:
        if self.rich and plan["todo"]:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), TextColumn("{task.description}"), transient=True)
            self.progress.start()
            self.task = self.progress.add_task("", total=plan["todo"])
        elif not self.rich:
            print(f"plan: {plan['todo']} to build, {plan['skipped']} up to date", file=sys.stderr, flush=True)

    def _done(self, result: Result) -> None:
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=shown(result.input))
        if result.status == "built":
            line = f"built {shown(result.input)} ({result.seconds:.2f} s)"
        else:
            line = f"FAILED {shown(result.input)}"
        if self.progress is not None:
            from rich.text import Text  # never markup: paths and errors come from users

            self.progress.console.print(Text(line, style="" if result.status == "built" else "red"))
        else:
            print(line, file=sys.stderr, flush=True)
        for warning in result.warnings:
            self._line(_message("  warning: ", warning).replace("\n", "\n  "))

    def _line(self, text: str) -> None:
        if self.progress is not None:
            from rich.text import Text

            self.progress.console.print(Text(text))
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def print_summary(report: Any, rich: bool | None = None) -> None:
    """Built, skipped and failed counts, then every failure with its located errors."""
    rich = sys.stderr.isatty() if rich is None else rich
    counts = (f"{len(report.built)} built, {len(report.skipped)} up to date, {len(report.failed)} failed "
              f"in {report.seconds:.1f} s")
    if rich:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        console = Console(stderr=True, highlight=False)
        if report.failed:
            table = Table(title="Failed", show_lines=True, title_justify="left")
            table.add_column("input", style="bold")
            table.add_column("errors")
            for result in report.failed:
                table.add_row(Text(shown(result.input)),
                              Text("\n".join(line for error in result.errors for line in shown_lines(error))))
            console.print(table)
        console.print(Text(counts, style="red" if report.failed else "green"))
    else:
        for result in report.failed:
            for error in result.errors:
                print(_message("error: ", error), file=sys.stderr)
        print(counts, file=sys.stderr, flush=True)
