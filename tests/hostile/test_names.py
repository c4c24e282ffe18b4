"""Family 12: file names and the command line.

An input's file name becomes its brief's folder, a path in model.json and the manifest, and text on the
terminal. A name with a control, format or bidirectional character (ANSI and OSC sequences, CR, a newline
that forges a ``built ...`` line, an RLO that reverses the PDF footer) is refused at planning with a located
error, and whatever a line prints is escaped. Names that one file system takes for one (case, NFC/NFD) are a
clash. The command line refuses an output folder that holds the inputs, and a --wait that is not a number of
seconds; a Ctrl-C is one line and exit 130.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from clikit import default_sigint
from hostilekit import (
    INPUT,
    REPORTGEN,
    Case,
    Workspace,
    assert_located,
    assert_unchanged,
    params,
    reportgen,
    yaml_text,
)

F = "names"
ESC = "\x1b"
_HOSTILE_NAMES = {
    "n-ansi-colour": f"acme{ESC}[31mred",
    "n-osc-title": f"acme{ESC}]0;pwned\x07",
    "n-carriage-return": "acme\rbuilt ok",
    "n-newline-forges-built": "acme\nbuilt forged.yaml (0.01 s)\nx",
    "n-rlo-reverses": "acme\u202efdp.exe",
    "n-c1-csi": "acme\x9b31m",
    "n-line-separator": "acme\u2028two",
}
CASES = [Case(F, case_id, "error", name) for case_id, name in _HOSTILE_NAMES.items()] + [
    Case(F, "n-printing-escaped", "inert", list(_HOSTILE_NAMES.values())),
    Case(F, "n-clash-case", "error", ("Acme", "acme")),
    Case(F, "n-clash-nfc-nfd", "error", (unicodedata.normalize("NFC", "Café"), unicodedata.normalize("NFD", "Café"))),
    Case(F, "n-out-is-the-input-folder", "error", ("inputs", "inputs")),
    Case(F, "n-out-holds-the-input-folder", "error", ("inputs/sub", ".")),
    Case(F, "n-out-inside-the-input-folder", "inert", "inputs/out"),
    Case(F, "n-wait-nan", "error", "nan"),
    Case(F, "n-wait-negative", "error", "-5"),
    Case(F, "n-wait-infinite", "error", "inf"),
    Case(F, "n-ctrl-c-at-start-up", "error", (0.0, 0.2, 0.5, 1.0, 1.6)),
]


def _shown(text: str) -> str:
    from reportgen.report import shown

    return shown(text)


def _unprintable(output: str) -> list[str]:
    return sorted({c for c in output if not (c.isprintable() or c in " \n")})


# --- names refused at planning -----------------------------------------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id in _HOSTILE_NAMES))
def test_a_hostile_file_name_is_refused_and_printed_escaped(case: Case, ws: Workspace) -> None:
    """Refused with a located error before it is read (no folder, no model.json, no PDF footer carries it),
    and no line of the output holds a control character or starts like a brief that was built."""
    ws.write(yaml_text(), f"{case.data}.yaml")
    run = ws.expect_error(inputs=("inputs",))
    assert_located(run, file=_shown(f"inputs/{case.data}.yaml"), field="(file)", line=1, contains="rename the file")
    assert _unprintable(run.output) == [], str(run)
    assert not [line for line in run.output.splitlines() if line.startswith("built ")], str(run)
    assert f"FAILED {_shown(f'inputs/{case.data}.yaml')}" in run.output


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "n-printing-escaped"))
def test_every_printed_line_is_escaped(case: Case) -> None:
    """In-process: whatever a result holds (the Python API does not plan; an operator may name such a path),
    the built/FAILED lines, warnings and errors print it escaped, one line per line, plain and rich."""
    from reportgen.batch.job import Result
    from reportgen.report import Reporter, print_summary

    results = [Result(f"inputs/{name}.yaml", "acme", "k", "built", warnings=[f"odd {name}"]) for name in case.data]
    results += [Result(f"inputs/{name}.yaml", "acme", "k", "failed", errors=[f"inputs/{name}.yaml: bad"])
                for name in case.data]

    import types

    report = types.SimpleNamespace(built=[r for r in results if r.status == "built"],
                                   failed=[r for r in results if r.status == "failed"], skipped=[], seconds=0.1)

    for rich in (False, True):
        stream = io.StringIO()
        with contextlib.redirect_stderr(stream), contextlib.redirect_stdout(stream):
            reporter = Reporter(rich=rich)
            reporter("plan", {"total": len(results), "todo": len(results), "skipped": 0})
            for result in results:
                reporter("done", result)
            reporter.close()
            print_summary(report, rich=rich)
        output = stream.getvalue()
        assert _unprintable(output) == [], output
        built = [line for line in output.splitlines() if line.startswith("built ")]
        assert len(built) == len(report.built), output  # no forged line
        for name in case.data:
            assert _shown(name) in output


# --- names that one file system takes for one ------------------------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id.startswith("n-clash-")))
def test_names_equal_after_case_folding_or_normalisation_clash(case: Case, ws: Workspace) -> None:
    """Two inputs whose folders a case-blind or normalising file system takes for one: each one that is out of
    date fails with the clash (the prebuilt acme, up to date, stays as it is), and no folder is written."""
    first, second = case.data
    assert first != second
    ws.write(yaml_text(), f"{first}.yaml")
    ws.write(yaml_text(), f"{second}.yaml")
    run = ws.expect_error(inputs=("inputs",))
    failed = [(name, other) for name, other in ((first, second), (second, first))
              if f"FAILED inputs/{name}.yaml" in run.output]
    assert failed, str(run)
    for name, other in failed:
        assert (f"error: inputs/{name}.yaml: writes to out/{name} like inputs/{other}.yaml (the names differ only "
                "in case or Unicode normalisation") in run.output, str(run)


def test_clash_key() -> None:
    from reportgen.batch.names import clash_key

    assert clash_key("ACME") == clash_key("acme") == clash_key("Acme")
    assert clash_key("Stra\u00dfe") == clash_key("STRASSE")
    assert clash_key(unicodedata.normalize("NFD", "Ça")) == clash_key("ça")
    assert clash_key("acme") != clash_key("acme-2")


# --- the output folder and the inputs --------------------------------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id in ("n-out-is-the-input-folder",
                                                                       "n-out-holds-the-input-folder")))
def test_out_that_holds_the_inputs_is_a_usage_error(case: Case, ws: Workspace) -> None:
    """Issue 16: --out equal to the input folder wrote acme/model.json among the inputs, and every later build
    failed on it. Refused (exit 2), whether --out is the folder or a folder above it; nothing written."""
    folder, out = case.data
    (ws.root / folder).mkdir(parents=True, exist_ok=True)
    (ws.root / folder / "acme.yaml").write_text(yaml_text(), encoding="utf-8")
    before = {p.relative_to(ws.root).as_posix() for p in ws.root.rglob("*")}
    for inputs in ([folder], [f"{folder}/acme.yaml"]):
        run = reportgen("build", *inputs, "--out", out, cwd=ws.root)
        assert run.code == 2 and "Traceback" not in run.output, str(run)
        assert f"usage error: --out {out}: " in run.output and "folder of the inputs" in run.output, str(run)
    assert {p.relative_to(ws.root).as_posix() for p in ws.root.rglob("*")} == before


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "n-out-inside-the-input-folder"))
def test_out_inside_the_input_folder_is_never_read_as_input(case: Case, ws: Workspace) -> None:
    """--out inputs/out: later builds, with that --out or another one, never read the briefs as inputs."""
    ws.write(yaml_text())
    first = reportgen("build", "inputs", "--out", case.data, "--format", "json", cwd=ws.root)
    assert first.code == 0 and "built inputs/acme.yaml" in first.output, str(first)
    assert (ws.root / case.data / "acme" / "model.json").is_file()
    again = reportgen("build", "inputs", "--out", case.data, "--format", "json", cwd=ws.root)
    assert again.code == 0 and "0 built, 1 up to date, 0 failed" in again.output, str(again)
    elsewhere = reportgen("build", "inputs", "--out", "other", "--format", "json", cwd=ws.root)
    assert elsewhere.code == 0 and "1 built, 0 up to date, 0 failed" in elsewhere.output, str(elsewhere)
    assert not (ws.root / "other" / "model").exists()


def test_output_folders_below_the_named_folders_are_skipped(tmp_path: Path) -> None:
    from reportgen.batch.lock import outside_output_folders

    for path in ("in/a.yaml", "in/sub/b.yaml", "in/old-out/acme/model.json", "in/old-out/.reportgen/manifest.json"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x")
    found = [str(tmp_path / p) for p in ("in/a.yaml", "in/sub/b.yaml", "in/old-out/acme/model.json")]
    assert outside_output_folders(found, [str(tmp_path / "in")]) == found[:2]
    # a file named on the command line is taken as it is
    assert outside_output_folders(found[2:], found[2:]) == found[2:]


# --- --wait -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id.startswith("n-wait-")))
def test_wait_takes_a_finite_number_of_seconds(case: Case, ws: Workspace) -> None:
    """Issue 16: --wait nan gave a traceback, --wait -5 waited for ever (filelock's negative timeout)."""
    from reportgen.batch.options import BuildOptions
    from reportgen.errors import UsageError

    with pytest.raises(UsageError, match="--wait takes a number of seconds, 0 or more"):
        BuildOptions(wait_for_lock=float(case.data))
    before = ws.snapshot()
    run = ws.build("--wait", case.data, timeout=30)
    assert run.code == 2 and "Traceback" not in run.output, str(run)
    assert "usage error: --wait takes a number of seconds, 0 or more" in run.output, str(run)
    assert_unchanged(before, ws.snapshot())


# --- Ctrl-C ---------------------------------------------------------------------------------------------

def _group(pgid: int) -> list[str]:
    """The processes of process group ``pgid``: pid, state and command line."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    command = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")[:200]
            except OSError:
                continue
            if int(fields[2]) == pgid:
                found.append(f"{entry} {fields[0]} {command}")
    return found


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "n-ctrl-c-at-start-up"))
def test_ctrl_c_while_starting_is_one_line_and_exit_130(case: Case, ws: Workspace) -> None:
    """A terminal's Ctrl-C (SIGINT to the whole process group) at several moments after a one-brief build has
    planned, while its PDF helper starts (it imports WeasyPrint) and the brief is computed: exit 130, one line,
    no traceback from the command or its helper, and no process of the group left behind. (A Ctrl-C while the
    interpreter itself starts, before any of reportgen runs, is Python's own.)"""
    ws.write(yaml_text(**{"valuation.post_money": 13000}))
    interrupted = 0
    for delay in case.data:
        env = dict(os.environ, NO_COLOR="1", COLUMNS="200", TERM="dumb")
        # SIGINT at its default in the command even when pytest runs with it ignored (started in the background
        # by a shell without job control), or the Ctrl-C this test sends would never reach the build.
        process = subprocess.Popen([str(REPORTGEN), "build", INPUT, "--out", "out", "--force"], cwd=ws.root,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
                                   preexec_fn=default_sigint)
        try:
            first = process.stderr.readline().decode()  # "plan: ...": the helper is being started now
            assert first.startswith("plan: "), first
            time.sleep(delay)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGINT)
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"Ctrl-C after {delay} s: the build did not end within 60 s")
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
        output = (stdout + stderr).decode("utf-8", "replace")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the helper, if it was started, ends with its parent
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            left = _group(process.pid)
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"Ctrl-C after {delay} s: a process of the build outlived it: {left}\n{output}")
        if process.returncode == 0:
            continue  # finished before the signal (a fast machine)
        interrupted += 1
        assert process.returncode == 130, f"after {delay} s: exit {process.returncode}\n{output}"
        assert "Traceback" not in output and "Exception in initializer" not in output, output
        assert "Fatal Python error" not in output, output
        lines = [line for line in output.splitlines() if line.strip()]
        assert len(lines) == 1 and re.match(r"^reportgen: interrupted; ", lines[0]), output
    assert interrupted >= 3


def test_a_ctrl_c_that_lands_in_an_import_is_still_a_ctrl_c() -> None:
    """Seen under load: a Ctrl-C while numpy imports came back as numpy's ImportError ("failed to import"),
    and the build reported an internal error with exit 1 instead of stopping with 130. A build that catches
    an unexpected exception raises the Ctrl-C behind it (reportgen.errors.reraise_interrupt)."""
    from reportgen.errors import reraise_interrupt

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as inner:
            raise ImportError("numpy._core.multiarray failed to import") from inner
    except ImportError as wrapped:
        with pytest.raises(KeyboardInterrupt):
            reraise_interrupt(wrapped)
    reraise_interrupt(ValueError("an ordinary failure"))  # nothing behind it: the caller reports it
