"""The built-in templates compiled once, kept between processes beside the package's own bytecode
(``reportgen/__pycache__/templates-<digest>/``), as Python keeps the modules' (a process that renders a brief
spent about 0.17 s of CPU compiling them; every command, pool worker and template child is such a process).

Only templates read from the built-in folder are kept: what a user's ``--templates`` folder compiles to is
never written anywhere. An entry is Python bytecode, trusted as the package's ``.pyc`` files beside it are
(whoever can write one can write the other); jinja2 checks its format version and the template source's
checksum, so an edited template is compiled again. The folder's name carries the environment's settings that
change the code a template compiles to (the sandbox's intercepted operators, autoescaping, whitespace rules),
so two environments never share an entry. A folder that cannot be written only means no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from typing import Any

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from reportgen.paths import builtin_templates

MAX_ENTRY_BYTES = 4 << 20
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cache_folder(environment: Any) -> str:
    import jinja2

    settings = [type(environment).__qualname__, jinja2.__version__, sorted(environment.intercepted_binops),
                sorted(environment.intercepted_unops), environment.autoescape, environment.trim_blocks,
                environment.lstrip_blocks, environment.keep_trailing_newline, environment.block_start_string,
                environment.variable_start_string, environment.comment_start_string, environment.newline_sequence]
    digest = hashlib.sha256(repr(settings).encode()).hexdigest()[:16]
    return os.path.join(_PACKAGE, "__pycache__", f"templates-{digest}")


class BuiltinTemplateCache(BytecodeCache):
    """jinja2's bytecode cache for the built-in templates only."""

    def __init__(self, folder: str):
        self.folder = folder
        self.root = builtin_templates() + os.sep

    def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Bucket:
        if filename is None or not os.path.realpath(filename).startswith(self.root):
            return _Uncached(environment, self.get_cache_key(name, filename), self.get_source_checksum(source))
        return super().get_bucket(environment, name, filename, source)

    def load_bytecode(self, bucket: Bucket) -> None:
        if isinstance(bucket, _Uncached):
            return
        from reportgen.safe_open import read_beneath

        try:
            content = read_beneath(self.folder, _entry(bucket), MAX_ENTRY_BYTES)
        except OSError:
            return
        with contextlib.suppress(Exception):  # a damaged entry (a partial write, another Python) is compiled again
            bucket.bytecode_from_string(content)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if isinstance(bucket, _Uncached) or bucket.code is None:
            return
        from reportgen.atomic import write_atomic

        with contextlib.suppress(OSError):  # read-only installation, full disk: the next process compiles again
            write_atomic(os.path.join(self.folder, _entry(bucket)), bucket.bytecode_to_string())


def _entry(bucket: Bucket) -> str:
    return bucket.key + ".jinja"


class _Uncached(Bucket):
    """A user template's bucket: never read from nor written to the cache."""
