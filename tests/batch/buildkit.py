"""Helpers of the build tests (batch builds, incremental rebuilds, atomic writes, kill, watch, lock,
Dask): running the real CLI in subprocesses, making distinct input variants, polling with a deadline,
snapshotting and checking output folders.

Nothing here knows the expected answers: those live in the test modules.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from xml.etree import ElementTree

from clikit import PYTHON, REPORTGEN, ROOT, Run, cli_env, default_sigint, python, reportgen, sha256  # noqa: F401
from clikit import snapshot as shared_snapshot

EXAMPLES = ROOT / "inputs"
BASES = ("anthropic-2026", "meridian-2026", "nordlicht-2026")
HISTORY = "nordlicht-history.csv"
BRIEF_FILES = ("brief.pdf", "brief.html", "model.json")
HEAVY_MODULES = ("weasyprint", "altair", "pandas", "vl_convert")

T = TypeVar("T")


def env() -> dict[str, str]:
    return cli_env()


class Background:
    """A command in its own process group (so it and its workers can be signalled together), its
    output going to files (a full pipe would block it)."""

    def __init__(self, argv: list[str], cwd: str | os.PathLike, logs: Path):
        logs.mkdir(parents=True, exist_ok=True)
        self.argv = argv
        self.stdout_path = logs / "stdout.txt"
        self.stderr_path = logs / "stderr.txt"
        self._out = self.stdout_path.open("wb")
        self._err = self.stderr_path.open("wb")
        # A SIGINT ignored here (pytest started in the background by a shell without job control) would be
        # ignored by the command too, which then never sees the Ctrl-C a test sends it: it gets the default.
        self.process = subprocess.Popen(argv, cwd=cwd, stdout=self._out, stderr=self._err, env=env(),
                                        start_new_session=True, preexec_fn=default_sigint)
        self.pid = self.process.pid

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def running(self) -> bool:
        return self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.returncode is not None:
                self._close()

    def kill(self) -> None:
        """Clean-up: the whole group, whatever state it is in."""
        self.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(30)
        self._close()

    def _close(self) -> None:
        for handle in (self._out, self._err):
            if not handle.closed:
                handle.close()

    def __str__(self) -> str:
        return (f"$ {' '.join(self.argv)}\nexit {self.process.returncode}\n--- stdout\n{self.stdout[-6000:]}\n"
                f"--- stderr\n{self.stderr[-6000:]}")


def background(*args: str | os.PathLike, cwd: str | os.PathLike, logs: Path, program: Path = REPORTGEN) -> Background:
    return Background([str(program), *(str(a) for a in args)], cwd, logs)


def poll(condition: Callable[[], T], timeout: float, what: str, step: float = 0.05,
         describe: Callable[[], str] | None = None) -> T:
    """``condition()`` once it is truthy; AssertionError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = f"\n{describe()}" if describe else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{extra}")
        time.sleep(step)


def counts(output: str) -> tuple[int, int, int] | None:
    """(built, up to date, failed) from the last plain summary line, or None."""
    found = re.findall(r"^(\d+) built, (\d+) up to date, (\d+) failed in [\d.]+ s$", output, re.MULTILINE)
    return tuple(int(n) for n in found[-1]) if found else None  # type: ignore[return-value]


def summary_names(summary: dict[str, Any]) -> dict[str, list[str]]:
    """The --json summary as {"built": [input stems], "skipped": [...], "failed": [...]}, sorted."""
    return {kind: sorted(Path(entry["input"]).stem for entry in summary[kind])
            for kind in ("built", "skipped", "failed")}


# --- inputs -------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Variant:
    stem: str
    path: Path
    base: str
    name: str
    post_money: float
    invalid: tuple[int, str] | None = None  # (line, field) of the planted error

    @property
    def relative(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"


def line_of(text: str, pattern: str) -> int:
    match = re.search(pattern, text, re.MULTILINE)
    assert match, f"{pattern!r} not in the example input"
    return text[: match.start()].count("\n") + 1


def variant_text(base: str, name: str, post_money: float, extra: str = "") -> str:
    """An example input with another company.name and valuation.post_money (the rest, comments and
    line numbers included, unchanged)."""
    text = (EXAMPLES / f"{base}.yaml").read_text(encoding="utf-8")
    text, n = re.subn(r"^(company:\n(?:  .*\n)*?  name: ).*$", lambda m: m.group(1) + name, text, count=1,
                      flags=re.MULTILINE)
    assert n == 1, base
    text, n = re.subn(r"^(valuation:\n(?:  .*\n)*?  post_money: )[0-9.]+", lambda m: m.group(1) + f"{post_money:g}",
                      text, count=1, flags=re.MULTILINE)
    assert n == 1, base
    return text + extra


def make_variants(folder: Path, count: int, invalid: dict[int, str] | None = None, prefix: str = "v",
                  bump: float = 0.0) -> list[Variant]:
    """``count`` distinct inputs in ``folder`` made from the three examples (and the history CSV the
    Nordlicht ones read). ``invalid`` maps an index to "range" (costs.inference_share: 45) or
    "unknown" (revenue.grwth_long) to plant one located error."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EXAMPLES / HISTORY, folder / HISTORY)
    variants = []
    for index in range(count):
        base = BASES[index % len(BASES)]
        original = (EXAMPLES / f"{base}.yaml").read_text(encoding="utf-8")
        base_name = re.search(r"^company:\n(?:  .*\n)*?  name: (.*)$", original, re.MULTILINE).group(1)  # type: ignore[union-attr]
        base_post = float(re.search(r"^valuation:\n(?:  .*\n)*?  post_money: ([0-9.]+)", original,  # type: ignore[union-attr]
                                    re.MULTILINE).group(1))
        name = f"{base_name} {prefix.upper()}{index:02d}"
        post_money = round(base_post * (1 + (index + 1) / 1000) + bump, 3)
        text = variant_text(base, name, post_money)
        planted = None
        kind = (invalid or {}).get(index)
        if kind == "range":
            text = re.sub(r"^(  inference_share: )[0-9.]+", r"\g<1>45", text, count=1, flags=re.MULTILINE)
            planted = (line_of(text, r"^  inference_share: 45"), "costs.inference_share")
        elif kind == "unknown":
            text = re.sub(r"^  growth_long:", "  grwth_long:", text, count=1, flags=re.MULTILINE)
            planted = (line_of(text, r"^  grwth_long:"), "revenue.grwth_long")
        elif kind is not None:
            raise ValueError(kind)
        stem = f"{base.split('-')[0]}-{prefix}{index:02d}"
        path = folder / f"{stem}.yaml"
        path.write_text(text, encoding="utf-8")
        variants.append(Variant(stem, path, base, name, post_money, planted))
    return variants


@dataclasses.dataclass
class Batch:
    root: Path  # the cwd of the build: inputs/ and outputs/ are under it
    inputs: Path
    out: Path
    run: Run
    variants: list[Variant]
    templates: str  # templates_fingerprint() when the batch was built

    @property
    def valid(self) -> list[Variant]:
        return [v for v in self.variants if v.invalid is None]

    @property
    def invalid(self) -> list[Variant]:
        return [v for v in self.variants if v.invalid is not None]


@dataclasses.dataclass
class Trio:
    out: Path
    run: Run
    variants: list[Variant]
    templates: str


# --- output folders -------------------------------------------------------------------------------------

def snapshot(folder: Path, state: bool = True) -> dict[str, tuple[str, int]]:
    """Every file under ``folder`` (reportgen's own state too, except the lock file): digest and mtime."""
    return shared_snapshot(folder, state=state)


def brief_digests(folder: Path) -> dict[str, str]:
    """Digest of every file of one brief (brief.pdf, brief.html, model.json, charts/*)."""
    return {path.relative_to(folder).as_posix(): sha256(path) for path in sorted(folder.rglob("*")) if path.is_file()}


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, copy_function=shutil.copy2)
    return target


def check_pdf(content: bytes) -> int:
    """Raise unless ``content`` is one whole PDF; returns its page count."""
    import pypdf

    if not content.startswith(b"%PDF-"):
        raise ValueError(f"does not start with %PDF- ({content[:16]!r}, {len(content)} bytes)")
    if not content.rstrip().endswith(b"%%EOF"):
        raise ValueError(f"does not end with %%EOF ({content[-16:]!r}, {len(content)} bytes)")
    reader = pypdf.PdfReader(io.BytesIO(content), strict=True)
    pages = len(reader.pages)
    if pages < 2:
        raise ValueError(f"only {pages} pages")
    reader.pages[-1].extract_text()
    return pages


def brief_problems(folder: Path, formats: tuple[str, ...] = BRIEF_FILES) -> list[str]:
    """Why the brief in ``folder`` is not whole and readable: missing files, a PDF pypdf cannot open,
    model.json that does not parse, HTML cut short, an SVG that does not parse."""
    problems = []
    for name in formats:
        path = folder / name
        if not path.is_file():
            problems.append(f"{path}: missing")
            continue
        content = path.read_bytes()
        try:
            if name == "brief.pdf":
                check_pdf(content)
            elif name == "model.json":
                model = json.loads(content)
                assert isinstance(model, dict) and model.get("company", {}).get("name"), "no company.name"
            elif name == "brief.html":
                assert content.rstrip().endswith(b"</html>"), "does not end with </html>"
        except Exception as exc:
            problems.append(f"{path}: {type(exc).__name__}: {exc}")
    for svg in sorted((folder / "charts").glob("*.svg")):
        try:
            ElementTree.fromstring(svg.read_bytes())
        except ElementTree.ParseError as exc:
            problems.append(f"{svg}: {exc}")
    return problems


def stray_files(folder: Path) -> list[str]:
    """Files under an output folder that are neither a brief's output nor reportgen's state. A killed build's
    hidden temporary files (``.tmp-*``, or inside a ``.tmp-*`` folder: an archived version being written) are
    not strays: ``temp_files`` lists them, and the next build removes them."""
    allowed = re.compile(r"^(index\.html|feed\.xml|[^/]+/(brief\.pdf|brief\.html|model\.json|history\.html|"
                         r"charts/[^/]+\.svg|archive/\d{4,}-\d{8}T\d{6}Z/(brief\.pdf|brief\.html|model\.json)))$")
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if (path.is_file() and relative.parts[0] != ".reportgen" and not allowed.match(relative.as_posix())
                and not any(part.startswith(".tmp-") for part in relative.parts)):
            found.append(relative.as_posix())
    return found


def temp_files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob(".tmp-*"))


def model_name(folder: Path) -> str | None:
    try:
        return json.loads((folder / "model.json").read_bytes())["company"]["name"]
    except (OSError, ValueError, KeyError):
        return None


# --- the shared machine --------------------------------------------------------------------------------

def templates_fingerprint() -> str:
    """A digest of the built-in templates/ folder, which every brief's key includes. Other people edit
    it while the suite runs; a test that judges *what* was rebuilt checks it did not change meanwhile."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "templates").rglob("*")):
        relative = path.relative_to(ROOT / "templates").as_posix()
        if path.is_file() and not any(part.startswith(".") for part in relative.split("/")) \
                and not relative.endswith((".pyc", "~")):
            digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def skip_if_templates_changed(since: str, what: str) -> None:
    """Not a verdict on reportgen: someone else edited templates/, so every brief is rightly stale."""
    import pytest

    if templates_fingerprint() != since:
        pytest.skip(f"templates/ was edited by someone else during the run: {what} cannot be judged")


# --- processes --------------------------------------------------------------------------------------------

def inotify_watches(pid: int) -> int:
    """How many inotify watches process ``pid`` holds (watchfiles' notify backend on Linux): a watcher
    with none is not watching yet, so a change saved now could be missed."""
    total = 0
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        descriptors = list(fd_dir.iterdir())
    except OSError:
        return 0
    for fd in descriptors:
        try:
            if os.readlink(fd) != "anon_inode:inotify":
                continue
            info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
        except OSError:
            continue
        total += sum(1 for line in info.splitlines() if line.startswith("inotify wd:"))
    return total


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(n) for n in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def modules_after_cli(argv: list[str], cwd: str | os.PathLike) -> tuple[Run, dict[str, bool]]:
    """Run ``reportgen.cli.main`` with ``argv`` in a fresh interpreter, then report which heavy
    modules (and reportgen's render and chart packages) ended up in ``sys.modules``."""
    code = (
        "import json, sys\n"
        "sys.argv = ['reportgen', *sys.argv[1:]]\n"
        "from reportgen.cli import main\n"
        "code = 0\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code or 0\n"
        f"names = {[*HEAVY_MODULES, 'reportgen.render', 'reportgen.charts', 'reportgen.model']!r}\n"
        "print('MODULES ' + json.dumps({n: n in sys.modules for n in names}))\n"
        "print('EXIT', code)\n"
    )
    run = python(code, *argv, cwd=cwd)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("MODULES ")), None)
    assert line is not None, str(run)
    exit_line = next(ln for ln in run.stdout.splitlines() if ln.startswith("EXIT "))
    run.code = int(exit_line.split()[1])
    return run, json.loads(line[len("MODULES "):])

