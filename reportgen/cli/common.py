"""What every command shares: the click group, messages on stderr, exit codes, and the options."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from reportgen import __version__
from reportgen.formats import FORMATS, PDF_VARIANTS
from reportgen.report import shown

if TYPE_CHECKING:
    from reportgen.batch.settings import Settings

INTERRUPTED = "reportgen: interrupted; the briefs written so far are whole, and the next build finishes the rest"


class HelpArgument(click.Argument):
    """An argument with a help text, listed in the command's help (older clicks take no help for arguments)."""

    def __init__(self, *args: Any, help: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = help


class Command(click.Command):
    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(_metavar(param), param.help or "") for param in self.get_params(ctx)
                if isinstance(param, HelpArgument)]
        if rows and not hasattr(click.Command, "format_arguments"):  # newer clicks list them themselves
            with formatter.section("Arguments"):
                formatter.write_dl(rows)
        super().format_options(ctx, formatter)


def _metavar(argument: click.Argument) -> str:  # as click's usage line writes it (its signature varies)
    name = (argument.name or "").upper()
    return (name if argument.required else f"[{name}]") + ("..." if argument.nargs != 1 else "")


class Group(click.Group):
    command_class = Command

    # click turns a Ctrl-C it sees into "Aborted!" and exit 1; a command that has something to say about it
    # catches it itself (interrupted()), the others end with 130, the shell's code for it, without a word.
    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        click.echo(f"reportgen {__version__}")
        ctx.exit()


@click.group(name="reportgen", cls=Group, no_args_is_help=True,
             context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.option("--version", is_flag=True, callback=_version, is_eager=True, expose_value=False,
              help="Print the version and exit.")
def app() -> None:
    """Compile company YAML into research briefs: brief.pdf, brief.html and model.json."""


def err(message: str) -> None:
    """A message on stderr, each of its lines escaped (reportgen.report.shown): paths come from users."""
    click.echo("\n".join(shown(line) for line in str(message).split("\n")), err=True)


def interrupted() -> click.exceptions.Exit:
    err(INTERRUPTED)
    return click.exceptions.Exit(130)


def usage(message: str) -> click.exceptions.Exit:
    err(f"usage error: {message}")
    return click.exceptions.Exit(2)


def parse_formats(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def settings(ctx: click.Context, flags: dict[str, tuple[str | tuple[str, ...], Any]]) -> Settings:
    """The effective settings (reportgen.batch.settings): ``flags`` maps a setting to the parameters that set
    it and its value from them; only parameters typed on the command line count, the others' defaults give
    way to the environment and the project file. A bad project file or variable: its problems, exit 2."""
    from reportgen.batch.settings import resolve
    from reportgen.errors import SpecError, UsageError

    given = {}
    for name, (params, value) in flags.items():
        if any(ctx.get_parameter_source(p) is ParameterSource.COMMANDLINE
               for p in ((params,) if isinstance(params, str) else params)):
            given[name] = value
    try:
        return resolve(given)
    except SpecError as exc:
        for problem in exc.problems:
            err(str(problem))
        raise click.exceptions.Exit(2) from None
    except UsageError as exc:
        raise usage(str(exc)) from None


def output_flags(paths: Sequence[str], out: str, format: str, templates: str | None, pdf_variant: Any,
                 jobs: int | None, **more: tuple[str | tuple[str, ...], Any]) -> dict[str, Any]:
    """The flags every building command has, as ``settings`` takes them (setting: (parameters, value)), with
    ``more`` of the command's own."""
    return {"inputs": ("paths", tuple(paths or ())), "out_dir": ("out", out),
            "formats": ("format", parse_formats(format)), "templates_dir": ("templates", templates),
            "pdf_variant": ("pdf_variant", pdf_variant),
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


def what_if_options(found: Settings, overrides: Sequence[str], overwrite_base: bool, **fixed: Any) -> Any:
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


def _formats_given(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--format's items are a closed set: refused by the parser (exit 2) like any other choice."""
    unknown = [part for part in parse_formats(value or "") if part not in FORMATS]
    if value is not None and (unknown or not parse_formats(value)):
        raise click.BadParameter(f"takes any of {', '.join(FORMATS)}, comma-separated (got {value!r})")
    return value


def _complete_formats(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of a comma-separated list: the formats not yet named, after what is typed."""
    head, _, last = incomplete.rpartition(",")
    named = set(head.split(","))
    return [f"{head},{f}" if head else f for f in FORMATS if f.startswith(last) and f not in named]


# The options several commands share, as decorators. A closed set is a click.Choice: the help lists it, the
# shell completes it, the parser refuses the rest.
PATHS = click.argument("paths", nargs=-1, required=True, cls=HelpArgument,
                       help="Input files or folders (searched recursively).")
# Optional where the project file's ``inputs`` may stand in for them.
SOME_PATHS = click.argument("paths", nargs=-1, required=False, cls=HelpArgument,
                            help="Input files or folders (searched recursively); default: inputs of the project file.")
OUT_DIR = click.option("--out", "-o", default="outputs", help="Output folder: one sub-folder per company.")
FORMAT = click.option("--format", "-f", default="pdf,html,json", metavar=",".join(FORMATS), callback=_formats_given,
                      shell_complete=_complete_formats,
                      help=f"Any of {', '.join(FORMATS)}, comma-separated (default pdf,html,json).")
STRICT = click.option("--strict", is_flag=True, help="Warnings become errors: unformatted numbers in the "
                      "prose, missing glyphs or assets, undefined variables, stale data.")
TEMPLATES = click.option("--templates", "-t", help="Folder of templates that override the built-in ones, block "
                         "by block (see README).")
PDF_VARIANT = click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), show_choices=True,
                           help="The PDF's standard (default pdf/ua-1; none: untagged).")
JOBS = click.option("--jobs", "-j", type=int, help="Parallel workers (default: CPUs).")
OVERRIDES = click.option(
    "-P", "--set", "overrides", multiple=True, metavar="FIELD=VALUE", show_default=False,
    help="A what-if: set an input field (a contract path such as revenue.growth_y1 or "
    "compute.providers.0.share) for this build; repeatable. The brief's cover lists them.")
OVERWRITE_BASE = click.option("--overwrite-base", is_flag=True,
                              help="Let a what-if replace the briefs of the unmodified inputs in their folder.")
MAX_AGE = click.option("--max-age", type=int, help="Warn (fail under --strict) when as_of is older than this "
                       "many days.")


def options(*decorators: Any) -> Any:
    """One decorator that applies ``decorators`` as if stacked in this order (the first is the top line)."""

    def apply(function: Any) -> Any:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


# The options of every command that builds briefs (watch, preview), in the order --help lists them, and the
# two of a what-if.
BRIEF_OPTIONS = options(SOME_PATHS, OUT_DIR, FORMAT, STRICT, TEMPLATES, PDF_VARIANT, JOBS)
WHAT_IF = options(OVERRIDES, OVERWRITE_BASE)
