"""What every command shares: the typer app, messages on stderr, exit codes, and the options' types."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reportgen import __version__
from reportgen.formats import FORMATS, PDF_VARIANTS
from reportgen.report import shown

if TYPE_CHECKING:
    from reportgen.batch.settings import Settings

INTERRUPTED = "reportgen: interrupted; the briefs written so far are whole, and the next build finishes the rest"

app = typer.Typer(
    name="reportgen",
    help="Compile company YAML into research briefs: brief.pdf, brief.html and model.json.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reportgen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """reportgen: research briefs from structured company data."""


def err(message: str) -> None:
    """A message on stderr, each of its lines escaped (reportgen.report.shown): paths come from users."""
    typer.echo("\n".join(shown(line) for line in str(message).split("\n")), err=True)


def interrupted() -> typer.Exit:  # typer would exit 130 without a word
    err(INTERRUPTED)
    return typer.Exit(130)


def usage(message: str) -> typer.Exit:
    err(f"usage error: {message}")
    return typer.Exit(2)


def parse_formats(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def settings(ctx: typer.Context, flags: dict[str, tuple[str | tuple[str, ...], Any]]) -> Settings:
    """The effective settings (reportgen.batch.settings): ``flags`` maps a setting to the parameters that set
    it and its value from them; only parameters typed on the command line count, the others' defaults give
    way to the environment and the project file. A bad project file or variable: its problems, exit 2."""
    from reportgen.batch.settings import resolve
    from reportgen.errors import SpecError, UsageError

    given = {}
    for name, (params, value) in flags.items():
        # compared by name: typer 0.28 ships its own copy of click, whose enum is not click's
        if any(getattr(ctx.get_parameter_source(p), "name", None) == "COMMANDLINE"
               for p in ((params,) if isinstance(params, str) else params)):
            given[name] = value
    try:
        return resolve(given)
    except SpecError as exc:
        for problem in exc.problems:
            err(str(problem))
        raise typer.Exit(2) from None
    except UsageError as exc:
        raise usage(str(exc)) from None


def output_flags(paths: list[str] | None, out: str, format: str, templates: str | None, pdf_variant: Any,
                 jobs: int | None, **more: tuple[str | tuple[str, ...], Any]) -> dict[str, Any]:
    """The flags every building command has, as ``settings`` takes them (setting: (parameters, value)), with
    ``more`` of the command's own."""
    return {"inputs": ("paths", tuple(paths or ())), "out_dir": ("out", out),
            "formats": ("format", parse_formats(format)), "templates_dir": ("templates", templates),
            "pdf_variant": ("pdf_variant", choice_value(pdf_variant)),
            "jobs": ("jobs", jobs), **more}


def follow(paths: list[str], options: Any, after: Callable[[Any], None] | None = None) -> None:
    """Run ``watch`` (build, then rebuild on each save) until Ctrl-C, printing each build's summary and
    calling ``after`` with its report."""
    from reportgen.batch.watch import watch as run_watch
    from reportgen.errors import UsageError
    from reportgen.report import Reporter, print_summary

    reporter = Reporter()
    try:
        for report in run_watch(paths, options, on_event=reporter):
            reporter.close()
            print_summary(report)
            if after is not None:
                after(report)
    except KeyboardInterrupt:
        pass
    except UsageError as exc:
        raise usage(str(exc)) from None
    finally:
        reporter.close()


def what_if_options(found: Settings, overrides: list[str] | None, overwrite_base: bool, **fixed: Any) -> Any:
    """The BuildOptions of these settings and -P flags; a usage error for a bad flag, or for a what-if that
    would write where the briefs of the unmodified inputs go."""
    from reportgen.errors import UsageError

    try:
        options = found.options(overrides=tuple(overrides or ()), overwrite_base=overwrite_base, **fixed)
    except UsageError as exc:
        raise usage(str(exc)) from None
    if (problem := found.what_if_problem(options)) is not None:
        raise usage(problem)
    return options


def inputs_of(found: Settings) -> list[str]:
    if not found.inputs:
        raise usage("name input files or folders, or set inputs in reportgen.toml (see reportgen config)")
    return found.inputs


def _formats_given(value: str | None) -> str | None:
    """--format's items are a closed set: refused by the parser (exit 2) like any other choice."""
    unknown = [part for part in parse_formats(value or "") if part not in FORMATS]
    if value is not None and (unknown or not parse_formats(value)):
        raise typer.BadParameter(f"takes any of {', '.join(FORMATS)}, comma-separated (got {value!r})")
    return value


def _complete_formats(incomplete: str) -> list[str]:
    """Shell completion of a comma-separated list: the formats not yet named, after what is typed."""
    head, _, last = incomplete.rpartition(",")
    named = set(head.split(","))
    return [f"{head},{f}" if head else f for f in FORMATS if f.startswith(last) and f not in named]


# A closed set as typer's choice: the help lists it, the shell completes it, the parser refuses the rest.
PdfVariantChoice = Enum("PdfVariantChoice", {v: v for v in PDF_VARIANTS}, type=str)  # type: ignore[misc]


def choice_value(value: Any) -> Any:
    return getattr(value, "value", value)


Paths = Annotated[list[str], typer.Argument(help="Input files or folders (searched recursively).")]
# Optional where the project file's ``inputs`` may stand in for them.
SomePaths = Annotated[list[str] | None, typer.Argument(help="Input files or folders (searched recursively); "
                                                       "default: inputs of the project file.", show_default=False)]
OutDir = Annotated[str, typer.Option("--out", "-o", help="Output folder: one sub-folder per company.")]
Format = Annotated[str, typer.Option("--format", "-f", metavar=",".join(FORMATS), callback=_formats_given,
                                     autocompletion=_complete_formats,
                                     help=f"Any of {', '.join(FORMATS)}, comma-separated (default pdf,html,json).")]
StrictFlag = Annotated[bool, typer.Option("--strict", help="Warnings become errors: unformatted numbers in the "
                                      "prose, missing glyphs or assets, undefined variables, stale data.")]
Templates = Annotated[str | None, typer.Option("--templates", "-t", help="Folder of templates that override the "
                                                "built-in ones, block by block (see README).")]
PdfVariant = Annotated[PdfVariantChoice | None, typer.Option(
    "--pdf-variant", help="The PDF's standard (default pdf/ua-1; none: untagged).", show_choices=True)]
Overrides = Annotated[list[str] | None, typer.Option(
    "-P", "--set", metavar="FIELD=VALUE", help="A what-if: set an input field (a contract path such as "
    "revenue.growth_y1 or compute.providers.0.share) for this build; repeatable. The brief's cover lists them.",
    show_default=False)]
OverwriteBase = Annotated[bool, typer.Option(
    "--overwrite-base", help="Let a what-if replace the briefs of the unmodified inputs in their folder.")]
MaxAge = Annotated[int | None, typer.Option("--max-age", help="Warn (fail under --strict) when as_of is older "
                                            "than this many days.")]


