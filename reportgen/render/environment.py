"""The jinja2 environment: sandboxed, autoescaped, StrictUndefined, with the template search path
``--templates DIR`` -> built-in templates, and ``default:NAME`` to reach a built-in from an override
(``{% extends "default:brief.html.j2" %}``, then replace blocks).

User templates are never read from disk here: the build reads them once into a ``TemplateSet``
(refusing links out of the folder), so the files that are hashed for incremental builds are the files
that are rendered, and Dask workers on other machines get them too.
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass, field
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from reportgen.paths import builtin_templates
from reportgen.render.figures import Fig
from reportgen.render.filters import FILTERS

MAX_STRING = 1_000_000  # "x" * 10**9 in a user template must fail, not exhaust memory
TEMPLATE_SUFFIXES = (".j2", ".css", ".svg", ".png", ".jpg", ".jpeg", ".ttf", ".otf", ".woff", ".woff2")

# Warnings of the render in progress (unformatted numbers, ...): a context variable, because one
# cached environment serves every brief of a worker.
render_warnings: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("render_warnings",
                                                                                  default=None)


@dataclass(frozen=True)
class TemplateSet:
    """User templates and assets by relative path (``sections/outlook.html.j2``), read by the build."""

    files: dict[str, bytes] = field(default_factory=dict)
    root: str | None = None  # where they were read from, for messages only

    @property
    def empty(self) -> bool:
        return not self.files


class _SetLoader(BaseLoader):
    def __init__(self, templates: TemplateSet):
        self.templates = templates

    def get_source(self, environment: Any, template: str) -> tuple[str, str | None, Any]:
        content = self.templates.files.get(template)
        if content is None:
            raise TemplateNotFound(template)
        try:
            source = content.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateNotFound(f"{template} (not UTF-8)") from None
        name = f"{self.templates.root or '--templates'}/{template}"
        return source, name, lambda: True


class BriefSandbox(ImmutableSandboxedEnvironment):
    """The published sandbox, plus a cap on string and list repetition (output amplification)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 64:
                raise SecurityError("exponent too large in template")
            return left**right
        if isinstance(left, str | list | tuple) and isinstance(right, int) and len(left) * right > MAX_STRING:
            raise SecurityError("template output too large")
        if isinstance(right, str | list | tuple) and isinstance(left, int) and len(right) * left > MAX_STRING:
            raise SecurityError("template output too large")
        return left * right


def _finalize(value: Any) -> Any:
    """Every ``{{ ... }}`` passes here: a number printed without a filter is a warning (an error
    under --strict), because it escaped formatting and provenance."""
    if isinstance(value, Markup | str):
        return value
    warnings = render_warnings.get()
    if isinstance(value, Fig):
        if warnings is not None:
            warnings.append(f"figure {value.ref or ''} printed without a formatting filter".replace("  ", " "))
        return "" if value.value is None else str(value.value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if warnings is not None:
            warnings.append(f"number {value!r} printed without a formatting filter")
        return value
    if value is None and warnings is not None:
        warnings.append("a template printed None")
    return value


def make_environment(user: TemplateSet | None = None) -> BriefSandbox:
    builtin = FileSystemLoader(builtin_templates())
    loaders: list[BaseLoader] = [PrefixLoader({"default": builtin}, delimiter=":")]
    if user is not None and not user.empty:
        loaders.append(_SetLoader(user))
    loaders.append(builtin)
    env = BriefSandbox(
        loader=ChoiceLoader(loaders),
        autoescape=True,  # every template, whatever its name (.html.j2 included)
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=False,  # keep the newline after a block tag: it is the space between sentences
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


_ENVIRONMENTS: dict[str, BriefSandbox] = {}


def environment_for(user: TemplateSet | None, digest: str) -> BriefSandbox:
    """One environment per template set and process: compiled templates are reused across briefs."""
    env = _ENVIRONMENTS.get(digest)
    if env is None:
        if len(_ENVIRONMENTS) > 8:
            _ENVIRONMENTS.clear()
        env = _ENVIRONMENTS[digest] = make_environment(user)
    return env


def read_template_dir(root: str, limit_bytes: int = 20 << 20) -> TemplateSet:
    """Read a ``--templates`` folder: regular files with template or asset suffixes whose real path
    stays inside the folder (a symlink out of it is refused, not followed)."""
    from reportgen.errors import TemplateError

    real_root = os.path.realpath(root)
    if not os.path.isdir(real_root):
        raise TemplateError(f"{root}: templates folder not found")
    files: dict[str, bytes] = {}
    total = 0
    for folder, dirs, names in os.walk(real_root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or not name.lower().endswith(TEMPLATE_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, real_root).replace(os.sep, "/")
            real = os.path.realpath(path)
            if os.path.commonpath([real_root, real]) != real_root:
                raise TemplateError(f"{root}/{relative}: links outside the templates folder")
            if not os.path.isfile(real):
                continue
            with open(real, "rb") as handle:
                content = handle.read(limit_bytes + 1)
            total += len(content)
            if total > limit_bytes:
                raise TemplateError(f"{root}: templates folder is larger than {limit_bytes >> 20} MB")
            files[relative] = content
    return TemplateSet(files, root)
