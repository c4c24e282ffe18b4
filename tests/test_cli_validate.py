"""The ``reportgen`` console script as users and cron run it: ``validate``, ``schema``, ``new``, ``--version``
and ``--help``. Exit 0 ok, 1 invalid input, 2 usage; one line per problem on stderr; never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from reportgen import __version__
from reportgen.contract.load import load_spec
from reportgen.errors import SpecError

ROOT = Path(__file__).resolve().parents[1]
REPORTGEN = ROOT / ".venv" / "bin" / "reportgen"
INPUTS = ROOT / "inputs"
EXAMPLES = sorted(p.name for p in INPUTS.glob("*.yaml"))
PROBLEM_LINE = re.compile(r"^(?P<file>.+?):(?P<line>[1-9][0-9]*): (?P<field>\S+): (?P<message>.+)$")
COMMANDS = ("build", "validate", "schema", "new", "watch", "verify", "config", "preview")

VALID = """\
schema: reportgen/v1
company:
  name: Good Co
  as_of: 2026-03-31
  currency: USD
  unit: million
valuation:
  post_money: 500
  latest_raise: 50
cash_on_hand: 60
revenue:
  run_rate: 40
  growth_y1: 0.5
costs:
  inference_share: 0.3
  training_spend: 10
  opex_share: 0.4
compute:
  providers:
    - name: Cloud
      share: 1
"""

# Five distinct errors, one per line, in line order.
FIVE_ERRORS = (VALID.replace("currency: USD", "currency: usd")
               .replace("growth_y1: 0.5", "growth_y1: 0.5\n  fade: 7")
               .replace("inference_share: 0.3", "inference_share: '30%'")
               .replace("opex_share: 0.4", "opex_share: 0.4\n  tax_rat: 0.2")
               + "dcf:\n  horizon: 2\n")


def reportgen(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    assert REPORTGEN.is_file(), f"{REPORTGEN} is missing: install the package into .venv"
    result = subprocess.run([str(REPORTGEN), *map(str, args)], cwd=cwd or ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "COLUMNS": "120", "NO_COLOR": "1"})
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def in_process(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The same click command, run in this process (click's CliRunner; stdout and stderr apart): for the many
    name cases of ``new``, whose subject is what the command writes and refuses; the tests above and below run
    the real command end to end."""
    from click.testing import CliRunner

    from reportgen.cli import app

    previous = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        result = CliRunner().invoke(app, [str(a) for a in args])
    finally:
        os.chdir(previous)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return subprocess.CompletedProcess(["reportgen", *map(str, args)], result.exit_code, result.stdout,
                                       result.stderr)


def _problems(path: Path) -> list[str]:
    try:
        load_spec(str(path))
    except SpecError as exc:
        return [str(p) for p in exc.problems]
    return []


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


# --- validate ---------------------------------------------------------------------------------------------

def test_validate_the_example_inputs_exits_0_and_writes_nothing():
    before = _tree(INPUTS)
    result = reportgen("validate", "inputs")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"inputs/{name}: ok" for name in EXAMPLES] + [
        f"{len(EXAMPLES)} valid, 0 invalid"]
    assert result.stderr == ""
    assert _tree(INPUTS) == before


def test_validate_quiet_prints_nothing_when_all_is_well():
    result = reportgen("validate", "--quiet", *(INPUTS / name for name in EXAMPLES))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_five_errors_give_five_lines_on_stderr_and_exit_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(FIVE_ERRORS)
    result = reportgen("validate", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"bad.yaml:{_line(FIVE_ERRORS, 'usd')}: company.currency: must be an ISO 4217 code of 3 capital letters, "
        "e.g. USD (got usd)",
        f"bad.yaml:{_line(FIVE_ERRORS, 'fade: 7')}: revenue.fade: must be between 0 and 1 (got 7); "
        "rates are fractions",
        f"bad.yaml:{_line(FIVE_ERRORS, '30%')}: costs.inference_share: must be a number, not a percentage "
        "(got '30%'); write percentages as fractions (45% is 0.45)",
        f"bad.yaml:{_line(FIVE_ERRORS, 'tax_rat:')}: costs.tax_rat: unknown field (got 0.2); did you mean tax_rate?",
        f"bad.yaml:{_line(FIVE_ERRORS, 'horizon: 2')}: dcf.horizon: must be between 3 and 30 (got 2)",
        "0 valid, 1 invalid",
    ]


def _line(text: str, needle: str) -> int:
    [number] = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return number


def test_a_folder_with_good_and_bad_inputs(tmp_path):
    (tmp_path / "a-good.yaml").write_text(VALID)
    (tmp_path / "b-bad.yaml").write_text(FIVE_ERRORS)
    (tmp_path / "c-good.json").write_text(json.dumps(yaml.safe_load(VALID), default=str))
    (tmp_path / "notes.txt").write_text("not an input")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skip.yaml").write_text("garbage: [")
    result = reportgen("validate", tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{tmp_path}/a-good.yaml: ok", f"{tmp_path}/c-good.json: ok"]
    errors = result.stderr.splitlines()
    assert errors[-1] == "2 valid, 1 invalid"
    assert errors[:-1] == _problems(tmp_path / "b-bad.yaml") and len(errors) == 6
    assert all(PROBLEM_LINE.match(line) and line.startswith(f"{tmp_path}/b-bad.yaml:") for line in errors[:-1])


def test_the_model_md_example_line(tmp_path):
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "acme.yaml").write_text(
        "schema: reportgen/v1\n"
        "company: {name: Acme, as_of: 2026-03-31, currency: USD, unit: million}\n"
        "valuation:\n"
        "  post_money: 500\n"
        "  latest_raise: 50\n"
        "cash_on_hand: 60\n"
        "revenue:\n"
        "  run_rate: 40\n"
        "  growth_y1: 0.5\n"
        "# costs as shares of revenue\n"
        "costs:\n"
        "  training_spend: 10\n"
        "  opex_share: 0.4\n"
        "  inference_share: 45\n"
        "compute:\n"
        "  providers:\n"
        "    - {name: Cloud, share: 1}\n")
    assert (tmp_path / "inputs" / "acme.yaml").read_text().splitlines()[13] == "  inference_share: 45"
    result = reportgen("validate", "inputs/acme.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "inputs/acme.yaml:14: costs.inference_share: must be between 0 and 2 (got 45); shares are fractions")


HOSTILE = {
    "empty.yaml": b"",
    "comments.yaml": b"# nothing\n",
    "binary.yaml": bytes(range(256)),
    "utf16.yaml": VALID.encode("utf-16"),
    "latin1.yaml": VALID.replace("Good Co", "Caf\u00e9").encode("latin-1"),
    "bom-inside.yaml": VALID.replace("Good Co", "Good\ufeffCo").encode(),
    "alias.yaml": (VALID.replace("post_money: 500", "post_money: &p 500")
                   .replace("latest_raise: 50", "latest_raise: *p")).encode(),
    "tag.yaml": VALID.replace("cash_on_hand: 60", "cash_on_hand: !!python/object/apply:os.system ['true']").encode(),
    "dup.yaml": (VALID + "cash_on_hand: 61\n").encode(),
    "nan.yaml": VALID.replace("run_rate: 40", "run_rate: .nan").encode(),
    "huge.yaml": VALID.replace("run_rate: 40", "run_rate: 0x" + "F" * 400).encode(),
    "deep.yaml": (VALID + "x: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
    "laughs.yaml": b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
    "two-docs.yaml": (VALID + "---\n" + VALID).encode(),
    "syntax.yaml": VALID.replace("run_rate: 40", "run_rate: [40").encode(),
    "control.yaml": VALID.replace("Good Co", "Good\x07Co").encode(),
    "newline-key.yaml": (VALID + '"a\\nb: forged": 1\n').encode(),
    "list.yaml": b"- 1\n- 2\n",
    "history-escape.yaml": VALID.replace("growth_y1: 0.5", "growth_y1: 0.5\n  history: ../../etc/x.csv").encode(),
    "history-missing.yaml": VALID.replace("growth_y1: 0.5", "growth_y1: 0.5\n  history: gone.csv").encode(),
}


def test_hostile_inputs_never_give_a_traceback_and_each_problem_is_one_located_line(tmp_path):
    for name, content in HOSTILE.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "big.yaml").write_bytes(VALID.encode() + b"#" * (50 << 20))
    result = reportgen("validate", tmp_path)  # reportgen() asserts that no traceback appears
    assert result.returncode == 1
    assert result.stdout == ""
    expected = [line for path in sorted(tmp_path.iterdir()) for line in _problems(path)]
    errors = result.stderr.splitlines()
    assert errors == [*expected, f"0 valid, {len(HOSTILE) + 1} invalid"]
    files = {PROBLEM_LINE.match(line)["file"] for line in errors[:-1]}
    assert files == {str(tmp_path / name) for name in [*HOSTILE, "big.yaml"]}, "a file without a problem line"


def test_validate_a_missing_path_is_a_usage_error(tmp_path):
    result = reportgen("validate", tmp_path / "nowhere.yaml")
    assert result.returncode == 2
    assert result.stderr == f"usage error: {tmp_path / 'nowhere.yaml'}: no such file or folder\n"
    assert result.stdout == ""


def test_validate_a_folder_without_inputs_is_a_usage_error(tmp_path):
    (tmp_path / "readme.txt").write_text("x")
    result = reportgen("validate", tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"usage error: no input files (.yaml, .yml, .json) found in {tmp_path}\n"


def test_validate_without_arguments_is_a_usage_error():
    result = reportgen("validate")
    assert result.returncode == 2
    assert "Missing argument" in result.stderr


@pytest.mark.parametrize("args", [("frobnicate",), ("validate", "--bogus", "inputs"), ()])
def test_unknown_commands_and_options_are_usage_errors(args):
    assert reportgen(*args).returncode == 2


def test_validate_reports_every_file_of_several(tmp_path):
    for index in range(3):
        (tmp_path / f"bad{index}.yaml").write_text(VALID.replace("run_rate: 40", f"run_rate: -{index}"))
    result = reportgen("validate", *(tmp_path / f"bad{i}.yaml" for i in range(3)))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path}/bad0.yaml:12: revenue.run_rate: must be greater than 0 (got -0)",
        f"{tmp_path}/bad1.yaml:12: revenue.run_rate: must be greater than 0 (got -1)",
        f"{tmp_path}/bad2.yaml:12: revenue.run_rate: must be greater than 0 (got -2)",
        "0 valid, 3 invalid",
    ]


# --- schema ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def contract_schema() -> dict:
    result = reportgen("schema")
    assert result.returncode == 0 and result.stderr == ""
    return json.loads(result.stdout)


def _json_compatible(value):
    if isinstance(value, dict):
        return {str(k): _json_compatible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_compatible(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_schema_is_a_valid_json_schema(contract_schema):
    jsonschema.Draft202012Validator.check_schema(contract_schema)
    assert contract_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert contract_schema["additionalProperties"] is False
    assert set(contract_schema["required"]) == {"schema", "company", "valuation", "cash_on_hand", "revenue",
                                                "costs", "compute"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_example_inputs_validate_against_the_schema(contract_schema, name):
    instance = _json_compatible(yaml.safe_load((INPUTS / name).read_text()))
    assert isinstance(instance["company"]["as_of"], str)
    errors = list(jsonschema.Draft202012Validator(contract_schema).iter_errors(instance))
    assert errors == []


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d["costs"].__setitem__("inference_share", 45), "maximum"),
    (lambda d: d["costs"].__setitem__("inference_share", -0.1), "minimum"),
    (lambda d: d["dcf"].__setitem__("discount_rate", 1), "exclusiveMaximum"),
    (lambda d: d["dcf"].__setitem__("horizon", 31), "maximum"),
    (lambda d: d["revenue"].__setitem__("fadee", 0.5), "additionalProperties"),
    (lambda d: d.__setitem__("extra", 1), "additionalProperties"),
    (lambda d: d.pop("company"), "required"),
    (lambda d: d["compute"].__setitem__("providers", []), "minItems"),
    (lambda d: d["company"].__setitem__("currency", "usd"), "pattern"),
    (lambda d: d["company"].__setitem__("unit", "Million"), "enum"),
    (lambda d: d.__setitem__("schema", "reportgen/v2"), "const"),
    (lambda d: d["costs"].__setitem__("tax_rate", "21%"), "type"),
])
def test_the_schema_refuses_what_the_contract_refuses(contract_schema, edit, where):
    instance = _json_compatible(yaml.safe_load((INPUTS / "anthropic-2026.yaml").read_text()))
    edit(instance)
    errors = list(jsonschema.Draft202012Validator(contract_schema).iter_errors(instance))
    assert errors, "the schema accepted an invalid input"
    assert where in {error.validator for error in errors} | {
        e.validator for error in errors for e in (error.context or [])}


def test_the_schema_states_the_ranges(contract_schema):
    defs = contract_schema["$defs"]
    share = defs["Costs"]["properties"]["inference_share"]
    assert (share["minimum"], share["maximum"]) == (0, 2)
    rate = defs["Dcf"]["properties"]["discount_rate"]
    assert (rate["exclusiveMinimum"], rate["exclusiveMaximum"], rate["default"]) == (0, 1, 0.12)
    horizon = defs["Dcf"]["properties"]["horizon"]
    assert (horizon["minimum"], horizon["maximum"], horizon["default"]) == (3, 30, 10)
    paths = defs["MonteCarlo"]["properties"]["paths"]
    assert (paths["minimum"], paths["maximum"], paths["default"]) == (100, 2_000_000, 10_000)


def test_the_schema_has_the_v2_inputs(contract_schema):
    defs = contract_schema["$defs"]
    assert defs["Costs"]["properties"]["tax_losses"]["default"] == 0
    rate_spread = defs["MonteCarlo"]["properties"]["rate_spread"]
    assert (rate_spread["minimum"], rate_spread["maximum"], rate_spread["default"]) == (0, 0.5, 0.02)
    assert {"growth_y1", "cash_on_hand"} <= set(defs["Peer"]["properties"])
    post_money = defs["Valuation"]["properties"]["post_money"]
    assert (post_money["exclusiveMinimum"], post_money["maximum"]) == (0, 1e15)
    seed = defs["MonteCarlo"]["properties"]["seed"]
    assert seed["maximum"] == 2**63 - 1
    amounts = [(name, prop) for model in [contract_schema, *defs.values()]
               for name, prop in model.get("properties", {}).items() if prop.get("maximum") == 1e15]
    assert {name for name, _ in amounts} == {"post_money", "latest_raise", "cash_on_hand", "run_rate",
                                             "training_spend", "tax_losses", "commitment"}
    assert all("between 0.000001 and 10^15" in prop["description"] for _, prop in amounts)


def test_the_schema_has_sources_of_both_forms_and_commentary(contract_schema):
    validator = jsonschema.Draft202012Validator(contract_schema)
    instance = _json_compatible(yaml.safe_load((INPUTS / "anthropic-2026.yaml").read_text()))
    instance["sources"]["cash_on_hand"] = {"text": "Filing", "kind": "estimate", "date": "2026-01-31",
                                           "url": "https://example.com/a"}
    instance["commentary"] = {"summary": "**Dear**, but *growing*.", "outlook": "Fine."}
    assert list(validator.iter_errors(instance)) == []
    commentary = contract_schema["$defs"]["Commentary"]
    assert set(commentary["properties"]) == {"summary", "capital_intensity", "entrenchment", "bear_case", "outlook"}
    assert commentary["additionalProperties"] is False
    for bad in ({"text": "x", "kind": "rumour"}, {"kind": "estimate"}, {"text": "x", "extra": 1}, 5, ""):
        instance["sources"]["cash_on_hand"] = bad
        assert list(validator.iter_errors(instance)), bad
    instance["sources"]["cash_on_hand"] = "Filing"
    instance["commentary"] = {"sumary": "typo"}
    assert list(validator.iter_errors(instance))


# --- new --------------------------------------------------------------------------------------------------

def test_new_writes_a_starter_that_validates(tmp_path):
    result = reportgen("new", "Acme Robotics", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "acme-robotics.yaml"
    assert result.stdout.strip() == os.path.join(".", "acme-robotics.yaml")
    assert written.is_file()
    check = reportgen("validate", written)
    assert check.returncode == 0, check.stderr
    assert load_spec(str(written)).input.company.name == "Acme Robotics"


def test_new_writes_into_inputs_when_there_is_one(tmp_path):
    (tmp_path / "inputs").mkdir()
    result = reportgen("new", "Zeta", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == os.path.join("inputs", "zeta.yaml")
    assert reportgen("validate", "inputs", cwd=tmp_path).returncode == 0


def test_new_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("# my work\n")
    result = reportgen("new", "Acme", "-o", target)
    assert result.returncode == 1
    assert result.stderr == f"{target}: already exists; use --force to overwrite\n"
    assert target.read_text() == "# my work\n"
    forced = reportgen("new", "Acme", "-o", target, "--force")
    assert forced.returncode == 0
    assert target.read_text() != "# my work\n"
    assert reportgen("validate", target).returncode == 0


def test_new_to_stdout_writes_no_file(tmp_path):
    result = reportgen("new", "Stdout Co", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0
    assert list(tmp_path.iterdir()) == []
    assert result.stdout.startswith("# A company for reportgen")
    saved = tmp_path / "saved.yaml"
    saved.write_text(result.stdout)
    assert load_spec(str(saved)).input.company.name == "Stdout Co"


@pytest.mark.parametrize("name", ['Acme "Quoted": Ünïcødé #1', "O'Brien & Sons", "- dash", "yes", "3M", "7-Eleven",
                                  "N" * 120])
def test_new_writes_any_name_safely(tmp_path, name):
    target = tmp_path / "co.yaml"
    assert in_process("new", "-o", target, "--", name).returncode == 0
    assert load_spec(str(target)).input.company.name == name


@pytest.mark.parametrize(("name", "message"), [
    ("Evil\x07Co", "company.name: contains a control character (U+0007)"),
    ("Evil\x1bCo", "company.name: contains a control character (U+001B)"),
    ("Line\u2028Co", "company.name: contains a line or paragraph separator (U+2028); this text is a single line"),
    ("Zero\u200bWidth", "company.name: contains an invisible or format character (U+200B ZERO WIDTH SPACE); "
                        "names must be visible text"),
    ("Evil\u202eoC", "company.name: contains an invisible direction control (U+202E)"),
    ("12.5%", "company.name: looks like a figure, not a name; write the name; figures belong in their fields"),
    ("123", "company.name: looks like a figure, not a name; write the name; figures belong in their fields"),
    ("N" * 121, "company.name: must be 1 to 120 characters long"),
])
def test_new_refuses_a_name_the_contract_refuses_and_writes_nothing(tmp_path, name, message):
    """A starter that would not validate is not written: exit 2 (a bad argument) and one line per problem."""
    result = in_process("new", "-o", tmp_path / "co.yaml", "--", name, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"new: {message}\n"
    assert result.stdout == "" and list(tmp_path.iterdir()) == []
    assert in_process("new", "--", name, cwd=tmp_path).returncode == 2 and list(tmp_path.iterdir()) == []


def test_new_refuses_a_bad_name_as_a_real_command(tmp_path):
    result = reportgen("new", "-o", tmp_path / "co.yaml", "--", "Evil\x07Co", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == "new: company.name: contains a control character (U+0007)\n"
    assert list(tmp_path.iterdir()) == []


def test_the_starter_shows_sources_of_both_forms_and_commentary():
    from reportgen.contract.schema import Source
    from reportgen.contract.starter import starter_problems, starter_yaml

    text = starter_yaml("Shown Co", dt.date(2026, 5, 4))
    assert starter_problems(text) == []
    data = yaml.safe_load(text)
    forms = {type(value) for value in data["sources"].values()}
    assert forms == {str, dict}
    mapping = next(value for value in data["sources"].values() if isinstance(value, dict))
    assert set(mapping) == {"text", "kind", "date", "url"} and mapping["kind"] == "estimate"
    assert data["commentary"]["summary"].strip()
    assert "tax_losses" in data["costs"] and "rate_spread" in data["monte_carlo"]
    spec = load_spec_text(text)
    assert spec.sources["revenue.run_rate"] == Source(text=mapping["text"], kind="estimate",
                                                      date=dt.date(2026, 5, 4), url=mapping["url"])
    assert spec.sources["valuation.post_money"].kind == "reported"
    assert spec.commentary is not None and spec.commentary.summary == data["commentary"]["summary"]


def load_spec_text(text: str):
    from reportgen.contract.load import parse_bundle
    from reportgen.contract.source import InputBundle

    return parse_bundle(InputBundle(display="starter.yaml", name="starter", content=text.encode())).input


def test_the_starter_validates_against_the_schema(tmp_path, contract_schema):
    result = reportgen("new", "Schema Co", "-o", "-")
    instance = _json_compatible(yaml.safe_load(result.stdout))
    assert list(jsonschema.Draft202012Validator(contract_schema).iter_errors(instance)) == []


# --- version and help ------------------------------------------------------------------------------------

def test_version():
    result = reportgen("--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"reportgen {__version__}\n", "")
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", __version__)


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_top_level_help_lists_every_command(flag):
    result = reportgen(flag)
    assert result.returncode == 0 and result.stderr == ""
    assert "Usage: reportgen" in result.stdout
    for command in COMMANDS:
        assert re.search(rf"^\W*{command}\b", result.stdout, re.MULTILINE), command


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_on_every_command(command, flag):
    result = reportgen(command, flag)
    assert result.returncode == 0, result.stderr
    assert f"Usage: reportgen {command}" in result.stdout
    assert result.stderr == ""


def test_validate_reads_standard_input_and_reports_json():
    """``validate -`` checks what is piped in, errors named <stdin>; ``--json`` gives the same problems as
    data on stdout, one entry per file, and the same exit code."""
    done = subprocess.run([str(REPORTGEN), "validate", "--json", "-", str(INPUTS / "meridian-2026.yaml")],
                          input=FIVE_ERRORS, capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert (report["valid"], report["invalid"]) == (1, 1)
    stdin, meridian = report["files"]
    assert stdin["file"] == "<stdin>" and not stdin["valid"] and meridian["valid"]
    assert len(stdin["problems"]) == 5
    assert {p["file"] for p in stdin["problems"]} == {"<stdin>"}
    assert {k: stdin["problems"][0][k] for k in ("field", "line")} == {"field": "company.currency", "line": 5}

    plain = subprocess.run([str(REPORTGEN), "validate", "-"], input=FIVE_ERRORS, capture_output=True, text=True,
                           timeout=120, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"})
    assert plain.returncode == 1
    assert [PROBLEM_LINE.match(line)["file"] for line in plain.stderr.splitlines()[:5]] == ["<stdin>"] * 5


def _complete(words: str) -> list[str]:
    """What the shell's completion gets for the last word (click's bash protocol: a TYPE,VALUE line each)."""
    done = subprocess.run([str(REPORTGEN)], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={**os.environ, "_REPORTGEN_COMPLETE": "bash_complete", "COMP_WORDS": words,
                               "COMP_CWORD": str(len(words.split()) - 1)})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(line.startswith("plain,") for line in lines), done.stdout
    return [line.split(",", 1)[1] for line in lines]


def test_closed_sets_are_choices_the_shell_completes_and_the_parser_refuses():
    assert _complete("reportgen build --format pdf,") == ["pdf,html", "pdf,json", "pdf,xlsx"]
    assert _complete("reportgen build --pdf-variant pdf/u") == ["pdf/ua-1", "pdf/ua-2"]
    assert _complete("reportgen con") == ["config"]
    for option, value, listed in (("--format", "pdf,doc", "pdf, html, json, xlsx"),
                                  ("--pdf-variant", "pdf/z", "'pdf/ua-1'")):
        done = reportgen("build", INPUTS / "anthropic-2026.yaml", option, value, "--out", "/nonexistent/never")
        assert done.returncode == 2, done.stderr
        message = " ".join(line.strip() for line in done.stderr.splitlines())
        assert f"Invalid value for '{option}" in message and listed in message, done.stderr
