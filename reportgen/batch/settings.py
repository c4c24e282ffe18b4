"""The settings of a build from four places, highest first: command-line flags, ``REPORTGEN_*`` environment
variables, the project file, the defaults of ``BuildOptions``.

The project file is ``reportgen.toml`` in the current folder or, when there is none, the ``[tool.reportgen]``
table of ``pyproject.toml`` in the current folder (nothing above it is searched: a build run from another folder
must not pick up settings it cannot see). Its keys are the fields of ``BuildOptions`` (read from the dataclass,
so a field added there is a setting without an edit here; a field with ``metadata={"setting": False}`` is not),
plus ``inputs``. Standard library only: a no-op build reads it.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from reportgen.batch.options import BuildOptions
from reportgen.errors import Problem, SpecError, UsageError

PROJECT_FILE = "reportgen.toml"
PYPROJECT = "pyproject.toml"
ENV_PREFIX = "REPORTGEN_"
INPUTS = "inputs"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def setting_types() -> dict[str, Any]:
    """Every setting and its type: the fields of BuildOptions that are settings, then ``inputs``."""
    hints = typing.get_type_hints(BuildOptions)
    found = {f.name: hints[f.name] for f in dataclasses.fields(BuildOptions) if f.metadata.get("setting", True)}
    found[INPUTS] = tuple[str, ...]
    return found


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str  # "default", "reportgen.toml:3", "environment REPORTGEN_JOBS", "command line"


@dataclass(frozen=True)
class Settings:
    """The effective settings, each with where it came from, and the project file read (if any)."""

    values: dict[str, Setting]
    project_file: str | None = None
    base_out_dir: str = "outputs"  # the output folder without the command line's: where the base briefs go
    notes: tuple[str, ...] = field(default=())  # e.g. an unknown REPORTGEN_ variable

    def what_if_problem(self, options: BuildOptions) -> str | None:
        """Why a what-if may not write to its output folder: it is the base briefs' folder (the project file's,
        the environment's or the default), unless ``overwrite_base``. None when it may."""
        if not options.overrides or options.overwrite_base:
            return None
        if os.path.realpath(options.out_dir) == os.path.realpath(self.base_out_dir):
            return (f"-P: --out {options.out_dir} is where the briefs of the unmodified inputs go; give a what-if a "
                    "folder of its own (e.g. --out whatif/), or --overwrite-base to replace them")
        return None

    def options(self, **fixed: Any) -> BuildOptions:
        """The BuildOptions of these settings; ``fixed`` sets fields no setting may change (verify's cache)."""
        values = {k: s.value for k, s in self.values.items() if k != INPUTS}
        return BuildOptions(**{**values, **fixed})

    @property
    def inputs(self) -> list[str]:
        return list(self.values[INPUTS].value or ())

    def to_json(self) -> dict[str, Any]:
        return {"project_file": self.project_file,
                "settings": {k: {"value": list(s.value) if isinstance(s.value, tuple) else s.value,
                                 "source": s.source} for k, s in self.values.items()}}


def find_project_file(folder: str = ".") -> tuple[str, str] | None:
    """(path, table) of the project file in ``folder``: reportgen.toml (its top level), else pyproject.toml
    when it has a [tool.reportgen] table. None when neither."""
    def at(name: str) -> str:
        return name if folder == "." else os.path.join(folder, name)

    own = at(PROJECT_FILE)
    if os.path.isfile(own):
        return own, ""
    pyproject = at(PYPROJECT)
    if os.path.isfile(pyproject):
        try:
            with open(pyproject, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            return None
        if re.search(r"^\s*\[\s*tool\s*\.\s*reportgen\s*[\].]", text, re.MULTILINE):
            return pyproject, "tool.reportgen"
    return None


def resolve(given: dict[str, Any] | None = None, environ: typing.Mapping[str, str] | None = None,
            folder: str = ".") -> Settings:
    """Flags (``given``: only those typed on the command line) > environment > project file > defaults.
    Raises SpecError (located problems) for a bad project file or environment variable."""
    types_ = setting_types()
    defaults = {f.name: f.default_factory() if f.default is dataclasses.MISSING
                and f.default_factory is not dataclasses.MISSING else f.default
                for f in dataclasses.fields(BuildOptions) if f.name in types_}
    values = {name: Setting(defaults.get(name, () if name == INPUTS else None), "default") for name in types_}
    found = find_project_file(folder)
    problems: list[Problem] = []
    if found is not None:
        for name, (value, line) in _read_project(found[0], found[1], types_, problems).items():
            values[name] = Setting(value, f"{found[0]}:{line}")
    environ = os.environ if environ is None else environ
    notes = []
    for variable in sorted(v for v in environ if v.startswith(ENV_PREFIX)):
        name = variable[len(ENV_PREFIX):].lower()
        if name not in types_:
            notes.append(f"{variable}: not a setting (ignored)")
            continue
        text = environ[variable]
        try:
            value = _from_env(text, types_[name])
            _check(name, value)
        except ValueError as exc:
            problems.append(Problem(f"{variable}={text}", 0, name, str(exc)))
            continue
        values[name] = Setting(value, f"environment {variable}")
    if problems:
        raise SpecError(problems)
    base_out_dir = values["out_dir"].value
    for name, value in (given or {}).items():
        if name not in types_:
            raise UsageError(f"{name}: not a setting")
        values[name] = Setting(value, "command line")
    return Settings(values, found[0] if found else None, base_out_dir, tuple(notes))


def _read_project(path: str, table: str, types_: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    import tomllib

    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
        document = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, 1, "(file)", f"cannot be read ({getattr(exc, 'strerror', None) or exc})"))
        return {}
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        problems.append(Problem(path, int(where.group(1)) if where else 1, "(toml)", message))
        return {}
    for part in table.split(".") if table else ():
        document = document.get(part, {})
    if not isinstance(document, dict):
        problems.append(Problem(path, 1, table, "must be a table"))
        return {}
    found = {}
    for key, raw in document.items():
        name = key.replace("-", "_")
        line = _line_of(text, table, key)
        if name not in types_:
            close = difflib.get_close_matches(name, list(types_), n=1, cutoff=0.6)
            problems.append(Problem(path, line, key, "unknown setting",
                                    hint=f"did you mean {close[0]}?" if close else
                                    "expected one of " + ", ".join(types_)))
            continue
        try:
            value = _from_toml(raw, types_[name])
            _check(name, value)
        except ValueError as exc:
            problems.append(Problem(path, line, key, str(exc)))
            continue
        found[name] = (value, line)
    return found


def _line_of(text: str, table: str, key: str) -> int:
    """The line where ``key`` is set in ``table`` (tomllib keeps no positions)."""
    current = ""
    assignment = re.compile(r"""^\s*(?:"%s"|'%s'|%s)\s*=""" % ((re.escape(key),) * 3))
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[\s*([^\]\[]+?)\s*\]", line)
        if header:
            current = re.sub(r"\s*\.\s*", ".", header.group(1))
        elif current == table and assignment.match(line):
            return number
    return 1


def _optional(kind: Any) -> tuple[Any, bool]:
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(kind))
    return kind, False


def _describe(kind: Any) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(
        kind, "a list of text" if typing.get_origin(kind) is tuple else str(kind))


def _from_toml(raw: Any, kind: Any) -> Any:
    kind, _ = _optional(kind)
    if typing.get_origin(kind) is typing.Literal:
        if raw in typing.get_args(kind) and not isinstance(raw, bool):
            return raw
        raise ValueError(f"must be one of {', '.join(map(str, typing.get_args(kind)))} (got {raw!r})")
    if typing.get_origin(kind) is tuple:
        if isinstance(raw, str):
            raw = [part.strip() for part in raw.split(",") if part.strip()]
        if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
            return tuple(raw)
    elif kind is bool and isinstance(raw, bool):
        return raw
    elif kind is int and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    elif kind is float and isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    elif kind is str and isinstance(raw, str):
        return raw
    raise ValueError(f"must be {_describe(kind)} (got {raw!r})")


def _from_env(text: str, kind: Any) -> Any:
    kind, optional = _optional(kind)
    if optional and text == "":
        return None
    if typing.get_origin(kind) is typing.Literal:
        for choice in typing.get_args(kind):
            if text == str(choice):
                return choice
        raise ValueError(f"must be one of {', '.join(map(str, typing.get_args(kind)))}")
    if typing.get_origin(kind) is tuple:
        separator = os.pathsep if "," not in text else ","
        return tuple(part.strip() for part in text.split(separator) if part.strip())
    if kind is bool and text.strip().lower() in _TRUE | _FALSE:
        return text.strip().lower() in _TRUE
    if kind is int and re.fullmatch(r"\s*[-+]?[0-9]+\s*", text):
        return int(text)
    if kind is float:
        try:
            return float(text)
        except ValueError:
            pass
    if kind is str:
        return text
    raise ValueError(f"must be {_describe(kind)}" + (" (1/0, true/false, yes/no, on/off)" if kind is bool else ""))


def _check(name: str, value: Any) -> None:
    """The checks BuildOptions makes of this setting alone, as a ValueError with its message."""
    if name == INPUTS:
        return
    try:
        BuildOptions(**{name: value})
    except UsageError as exc:  # "--jobs must be at least 1": the flag's name is the setting's here
        raise ValueError(re.sub(r"^--[\w-]+ ", "", str(exc))) from None
