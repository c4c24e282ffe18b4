"""The jinja2 environment: sandboxed, autoescaped, StrictUndefined, with the template search path
``--templates DIR`` -> built-in templates, and ``default:NAME`` to reach a built-in from an override
(``{% extends "default:brief.html.j2" %}``, then replace blocks).

User templates are never read from disk here: the build reads them once into a ``TemplateSet``
(through the folder's descriptor, refusing links out of it: reportgen.safe_open), so the files that are
hashed for incremental builds are the files that are rendered, and Dask workers on other machines get
them too.

Every page carries ``CONTENT_SECURITY_POLICY`` in a ``<meta http-equiv>`` (the global
``content_security_policy``); the HTML boundary (render/boundary.py) requires it.
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass, field
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, PrefixLoader, StrictUndefined, TemplateNotFound
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from reportgen.paths import builtin_templates
from reportgen.render.compiled import BuiltinTemplateCache, cache_folder
from reportgen.render.figures import Fig
from reportgen.render.filters import FILTERS

# The HTML brief's and the index's Content-Security-Policy: nothing loads from anywhere, no script runs,
# images and fonts only from data: URLs, styles only inline (the page's <style> and style= attributes).
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'none'; object-src 'none'; img-src data:; "
                           "font-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")
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
    origins: dict[str, str] = field(default_factory=dict)  # a file's own folder, when the set merges several

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
        name = f"{self.templates.origins.get(template) or self.templates.root or '--templates'}/{template}"
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


class _BuiltinLoader(BaseLoader):
    """The built-in templates, read as the user's are (reportgen.safe_open: beneath the folder, no link out,
    regular files only). They are trusted, but a checkout is edited by many, and one rule is easier to hold."""

    MAX_BYTES = 4 << 20

    def __init__(self, root: str):
        self.root = root

    def get_source(self, environment: Any, template: str) -> tuple[str, str | None, Any]:
        from reportgen.safe_open import read_beneath

        relative = "/".join(split_template_path(template))  # refuses ".." as FileSystemLoader does
        try:
            content = read_beneath(self.root, relative, self.MAX_BYTES)
        except OSError:
            raise TemplateNotFound(template) from None
        try:
            source = content.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateNotFound(f"{template} (not UTF-8)") from None
        return source, os.path.join(self.root, relative), lambda: True


def make_environment(user: TemplateSet | None = None) -> BriefSandbox:
    builtin = _BuiltinLoader(builtin_templates())
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
    env.bytecode_cache = BuiltinTemplateCache(cache_folder(env))
    env.filters.update(FILTERS)
    env.globals["content_security_policy"] = Markup(CONTENT_SECURITY_POLICY)  # has no " or <: written as it is
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


def merge_template_sets(layers: list[TemplateSet]) -> TemplateSet:
    """One set from several folders, lowest first: a file of a later folder replaces the same file of an
    earlier one (the project's templates/, then --templates)."""
    if len(layers) == 1:
        return layers[0]
    files: dict[str, bytes] = {}
    origins: dict[str, str] = {}
    for layer in layers:
        files.update(layer.files)
        origins.update({name: layer.root or "--templates" for name in layer.files})
    return TemplateSet(files, layers[-1].root, origins)


def read_template_dir(root: str, limit_bytes: int = 20 << 20) -> TemplateSet:
    """Read a ``--templates`` folder: regular files with template or asset suffixes. Every file is opened
    through its folder's descriptor without following links (reportgen.safe_open), and read from the
    descriptor that fstat checked: a file swapped for a link out of the folder, or for a FIFO, between a
    check and the read cannot be read, as there is no such gap. A link out of the folder, a FIFO or a device
    with a template's suffix is refused; a link that stays inside is followed, beneath the folder."""
    from reportgen.errors import TemplateError
    from reportgen.safe_open import Folder, TooLarge, read_fd

    try:
        folder = Folder(root)
    except OSError:
        raise TemplateError(f"{root}: templates folder not found") from None
    files: dict[str, bytes] = {}
    total = 0
    with folder:
        try:
            for relative, fd, problem in folder.walk(want=lambda name: name.lower().endswith(TEMPLATE_SUFFIXES)):
                if fd is None:
                    if problem == "link out":
                        raise TemplateError(f"{root}/{relative}: links outside the templates folder")
                    if problem == "not regular":
                        raise TemplateError(f"{root}/{relative}: is not a regular file (a FIFO or a device); "
                                            "a template must be a file")
                    raise TemplateError(f"{root}/{relative}: cannot be read ({problem})")
                try:
                    content = read_fd(fd, limit_bytes - total, relative)
                except TooLarge:
                    raise TemplateError(f"{root}: templates folder is larger than {limit_bytes >> 20} MB") from None
                finally:
                    os.close(fd)
                total += len(content)
                files[relative] = content
        except OSError as exc:
            raise TemplateError(f"{root}: templates folder cannot be read ({exc.strerror or exc})") from None
    return TemplateSet(files, root)
