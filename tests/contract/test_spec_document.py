"""The loader: bytes -> text -> YAML/JSON events -> plain values with lines. Hostile or sloppy files (duplicate
keys, aliases, tags, non-finite numbers, YAML 1.1 habits, broken encodings, huge or endless files) are refused
with one located message each; nothing but SpecError ever escapes.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
import yaml
from speckit import (
    BASE,
    EXAMPLE,
    INPUTS,
    MINIMAL,
    Raw,
    accepted,
    changed,
    lines_of,
    problems_of,
    render,
    to_json_compatible,
)

from reportgen.contract.load import load_spec, parse_bundle
from reportgen.contract.source import MAX_INPUT_BYTES, read_input
from reportgen.errors import Problem, SpecError


def _key_line(text: str, key: str) -> int:
    """The line of the first JSON key ``key``."""
    return _line_containing(text, f'"{key}"')


def _line_containing(text: str, needle: str, start: int = 1) -> int:
    """The number of the first line (from ``start``) containing ``needle``: expected lines found by the test."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


# --- the examples --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in INPUTS.glob("*.yaml")))
def test_every_example_input_is_valid(name):
    spec = accepted(INPUTS / name)
    assert spec.input.schema_ == "reportgen/v1"
    assert spec.display == str(INPUTS / name) and spec.name == name.removesuffix(".yaml")


def test_the_worked_example_reads_as_written():
    spec = accepted(EXAMPLE)
    data = spec.input
    assert (data.company.name, data.company.currency, data.company.unit) == ("Anthropic", "USD", "billion")
    assert data.company.as_of.isoformat() == "2026-11-23"
    assert (data.valuation.post_money, data.revenue.run_rate, data.costs.inference_share) == (965, 47, 0.5)
    assert [(p.name, p.share, p.commitment, p.years, p.investor) for p in data.compute.providers] == [
        ("Amazon Web Services", 0.8, 100, 10, True), ("Google Cloud", 0.2, 0, 0, True)]
    assert [p.name for p in data.peers[0].providers][:2] == ["Microsoft Azure", "Oracle Cloud"]
    assert data.sources["compute.providers.0.commitment"].text == "Reported long-term cloud services agreement"


def test_load_spec_is_parse_bundle_of_read_input(write_spec):
    good, _ = write_spec(BASE, "good.yaml")
    assert parse_bundle(read_input(str(good))).input == load_spec(str(good)).input
    bad, _ = write_spec(changed(revenue__fade=7, dcf__horizon=99), "bad.yaml")
    with pytest.raises(SpecError) as one_step:
        load_spec(str(bad))
    with pytest.raises(SpecError) as two_steps:
        parse_bundle(read_input(str(bad)))
    assert one_step.value.problems == two_steps.value.problems and len(one_step.value.problems) == 2


def test_a_relative_path_is_shown_as_given_normalised(tmp_path, monkeypatch):
    text, where = render(changed(cash_on_hand=-1))
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "acme.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    expected = f"inputs/acme.yaml:{where['cash_on_hand']}: cash_on_hand: must be at least 0 (got -1)"
    assert lines_of("inputs/acme.yaml") == [expected]
    assert lines_of("./inputs/../inputs/acme.yaml") == [expected]


# --- the message form -------------------------------------------------------------------------------------

def test_problem_text_form():
    assert str(Problem("a.yaml", 3, "x.y", "is bad")) == "a.yaml:3: x.y: is bad"
    assert str(Problem("a.yaml", 3, "x.y", "is bad", got="7")) == "a.yaml:3: x.y: is bad (got 7)"
    assert str(Problem("a.yaml", 3, "x.y", "is bad", hint="fix it")) == "a.yaml:3: x.y: is bad; fix it"
    assert str(Problem("a.yaml", 3, "x.y", "is bad", "7", "fix it")) == "a.yaml:3: x.y: is bad (got 7); fix it"


def test_spec_error_sorts_its_problems_and_prints_one_per_line():
    error = SpecError([Problem("b.yaml", 1, "z", "m"), Problem("a.yaml", 9, "y", "m"), Problem("a.yaml", 2, "x", "m")])
    assert [(p.file, p.line) for p in error.problems] == [("a.yaml", 2), ("a.yaml", 9), ("b.yaml", 1)]
    assert str(error) == "a.yaml:2: x: m\na.yaml:9: y: m\nb.yaml:1: z: m"


# --- duplicate keys, anchors, aliases, tags -----------------------------------------------------------------

def test_a_duplicate_top_level_key_is_refused_at_the_second(write):
    text, _where = render(BASE)
    text += "cash_on_hand: 1\n"
    path = write(text)
    last = len(text.splitlines())
    assert lines_of(path) == [f"{path}:{last}: cash_on_hand: duplicate key"]


def test_a_duplicate_nested_key_is_refused_with_its_path(write):
    text, where = render(BASE)
    line = where["compute.providers.1.share"]
    lines = text.splitlines()
    lines.insert(line, "      share: 0.9")
    path = write("\n".join(lines) + "\n")
    assert lines_of(path) == [f"{path}:{line + 1}: compute.providers.1.share: duplicate key"]


def test_a_duplicate_key_differently_quoted_is_still_a_duplicate(write):
    path = write('schema: reportgen/v1\nnotes: a\n"notes": b\n')
    assert lines_of(path) == [f"{path}:3: notes: duplicate key"]


@pytest.mark.parametrize(("line", "message"), [
    ("cash_on_hand: &cash 150", "YAML anchors (&name) are not allowed"),
    ("cash_on_hand: *cash", "YAML aliases (*name) are not allowed"),
    ("cash_on_hand: !!float 150", "YAML tags are not allowed (got tag:yaml.org,2002:float)"),
    ("cash_on_hand: !!str 150", "YAML tags are not allowed (got tag:yaml.org,2002:str)"),
    ("cash_on_hand: !!python/object:os.system 150",
     "YAML tags are not allowed (got tag:yaml.org,2002:python/object:os.system)"),
    ("cash_on_hand: !!python/name:os.system",
     "YAML tags are not allowed (got tag:yaml.org,2002:python/name:os.system)"),
    ("cash_on_hand: !custom 150", "YAML tags are not allowed (got !custom)"),
    ("cash_on_hand: !!binary aGVsbG8=", "YAML tags are not allowed (got tag:yaml.org,2002:binary)"),
])
def test_anchors_aliases_and_tags_are_refused_where_written(write, line, message):
    text, where = render(BASE)
    text = text.replace("cash_on_hand: 150.0", line)
    path = write(text)
    assert lines_of(path) == [f"{path}:{where['cash_on_hand']}: cash_on_hand: {message}"]


def test_a_python_object_apply_tag_runs_nothing(write, tmp_path):
    marker = tmp_path / "pwned"
    text, where = render(BASE)
    text = text.replace("notes: Plain notes.", f'notes: !!python/object/apply:os.system ["touch {marker}"]')
    path = write(text)
    assert lines_of(path) == [f"{path}:{where['notes']}: notes: YAML tags are not allowed "
                              "(got tag:yaml.org,2002:python/object/apply:os.system)"]
    assert not marker.exists()


def test_an_anchor_on_a_mapping_and_a_merge_key_are_refused_at_the_anchor(write):
    text, where = render(BASE)
    text = text.replace("dcf:\n", "dcf: &dcf\n") + "extra:\n  <<: *dcf\n"
    path = write(text)
    assert lines_of(path) == [f"{path}:{where['dcf']}: dcf: YAML anchors (&name) are not allowed"]


def test_a_billion_laughs_document_is_refused_at_once(write):
    lol = ["lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lol += [f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = write("\n".join(lol) + "\n")
    started = time.perf_counter()
    assert lines_of(path) == [f"{path}:1: lol0: YAML anchors (&name) are not allowed"]
    assert time.perf_counter() - started < 1


def test_an_alias_in_a_list_is_refused_with_its_index(write):
    path = write("schema: reportgen/v1\nnotes:\n  - a\n  - *x\n")
    assert lines_of(path) == [f"{path}:4: notes.1: YAML aliases (*name) are not allowed"]


@pytest.mark.parametrize("key", ["[a, b]", "{a: 1}"])
def test_mapping_keys_must_be_plain_text(write, key):
    path = write(f"schema: reportgen/v1\ncompany:\n  ? {key}\n  : x\n")
    assert lines_of(path) == [f"{path}:3: company: mapping keys must be plain text"]


# --- numbers --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "NaN", ".nan", ".NaN", ".NAN", ".inf", "-.inf", "+.inf", ".Inf", "-.INF",
    "1e400", "-1e400", "1.7976931348623159e308",
    "9" * 400, "-" + "9" * 400, "0x" + "F" * 400, "0o" + "7" * 400,
    '"NaN"', '"inf"', '"-Infinity"', "Infinity", "nan",
])
def test_non_finite_numbers_are_refused(write_spec, written):
    path, where = write_spec(changed(costs__inference_share=Raw(written)))
    [problem] = problems_of(path)
    assert (problem.file, problem.line, problem.field, problem.message) == (
        str(path), where["costs.inference_share"], "costs.inference_share", "must be a finite number")
    shown = written if not written.startswith('"') else repr(written.strip('"'))
    assert problem.got == (shown if len(shown) <= 60 else shown[:57] + "...")


@pytest.mark.parametrize("written", ["0x" + "F" * 400, "0o" + "7" * 400, "9" * 400])
def test_huge_whole_numbers_are_refused_where_whole_numbers_belong(write_spec, written):
    path, where = write_spec(changed(monte_carlo__seed=Raw(written)))
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where["monte_carlo.seed"], "monte_carlo.seed")
    assert problem.message in ("must be a whole number", "must be between 0 and 9,223,372,036,854,775,808")


def test_the_largest_finite_float_is_a_number_out_of_range(write_spec):
    path, _where = write_spec(changed(costs__inference_share=Raw("1.7976931348623157e308")))
    assert [p.message for p in problems_of(path)] == ["must be between 0 and 2"]


@pytest.mark.parametrize(("written", "got"), [("45%", "45%"), ('"45%"', "'45%'"), ("'45 %'", "'45 %'"),
                                               ("0.5%", "0.5%"), ("-3%", "-3%")])
def test_a_percentage_is_refused_with_a_hint(write_spec, written, got):
    path, where = write_spec(changed(costs__inference_share=Raw(written)))
    assert lines_of(path) == [
        f"{path}:{where['costs.inference_share']}: costs.inference_share: must be a number, not a percentage "
        f"(got {got}); write percentages as fractions (45% is 0.45)"]


@pytest.mark.parametrize("written", ["NO", "no", "No", "yes", "Yes", "YES", "on", "off", "y", "n", "Off"])
def test_yes_no_words_are_not_numbers(write_spec, written):
    """YAML 1.1 would read these as booleans (and Python bool as 0/1); YAML 1.2 core reads them as text."""
    path, where = write_spec(changed(costs__opex_share=Raw(written)))
    assert lines_of(path) == [
        f"{path}:{where['costs.opex_share']}: costs.opex_share: must be a number, not a yes/no word (got {written})"]


@pytest.mark.parametrize("written", ["true", "false", "True", "FALSE"])
def test_booleans_are_not_numbers(write_spec, written):
    path, where = write_spec(changed(costs__opex_share=Raw(written)))
    assert lines_of(path) == [
        f"{path}:{where['costs.opex_share']}: costs.opex_share: must be a number, not true/false (got {written})"]


@pytest.mark.parametrize("field", ["costs.opex_share", "dcf.horizon", "valuation.post_money"])
def test_a_yaml_1_1_sexagesimal_is_not_a_number(write_spec, field):
    """YAML 1.1 reads 1:30 as 90."""
    path, where = write_spec(changed(**{field.replace(".", "__"): Raw("1:30")}))
    assert lines_of(path) == [f"{path}:{where[field]}: {field}: must be a number (got 1:30)"]


def test_a_leading_zero_is_decimal_not_yaml_1_1_octal(write_spec):
    assert accepted(write_spec(changed(dcf__horizon=Raw("012")))[0]).input.dcf.horizon == 12
    assert accepted(write_spec(changed(dcf__horizon=Raw("0o12")))[0]).input.dcf.horizon == 10


@pytest.mark.parametrize(("written", "message", "hint"), [
    ('"0.45"', "must be a number, not text", "remove the quotes"),
    ("'12'", "must be a number, not text", "remove the quotes"),
    ("forty", "must be a number", None),
    ("0b11", "must be a number", None),
    ("", "must be a number, not empty", None),
    ("~", "must be a number, not empty", None),
])
def test_text_where_a_number_belongs(write_spec, written, message, hint):
    path, where = write_spec(changed(costs__opex_share=Raw(written)))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message, problem.hint) == (
        where["costs.opex_share"], "costs.opex_share", message, hint)


@pytest.mark.parametrize(("written", "value"), [("0.45", 0.45), ("+.45", 0.45), ("45e-2", 0.45), ("1", 1.0),
                                                ("0x1", 1.0), ("1.", 1.0), ("4.5E-1", 0.45)])
def test_yaml_1_2_numbers_are_read_exactly(write_spec, written, value):
    assert accepted(write_spec(changed(costs__opex_share=Raw(written)))[0]).input.costs.opex_share == value


# --- syntax and structure ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("broken", "needle", "offset"), [
    # libyaml names the line where it noticed the problem: for an unclosed flow, the next line
    ("cash_on_hand: [150", "cash_on_hand", 1),
    ("cash_on_hand: {a: 1", "cash_on_hand", 1),
    ("cash_on_hand: 150\n bad: indentation", "bad: indentation", 0),
    ("cash_on_hand: 150\n\tnotes: tab", "\tnotes", 0),
    ("cash_on_hand: 150: 7", "cash_on_hand", 0),
    ("cash_on_hand: \x07150", "cash_on_hand", 0),
    ("cash_on_hand: 150\n- item", "- item", 0),
    ("cash_on_hand: 150\n@reserved: 1", "@reserved", 0),
])
def test_a_syntax_error_is_one_located_line(write, broken, needle, offset):
    text, _ = render(BASE)
    text = text.replace("cash_on_hand: 150.0", broken)
    path = write(text)
    [problem] = problems_of(path)
    assert (problem.file, problem.field) == (str(path), "(syntax)")
    assert problem.line == _line_containing(text, needle) + offset
    assert problem.message.startswith("not valid YAML: ")
    assert "\n" not in str(problem) and "<unicode string>" not in str(problem) and "position" not in str(problem)


def test_an_unterminated_quote_is_reported_where_the_file_ends(write):
    text, _ = render(BASE)
    text = text.replace("cash_on_hand: 150.0", 'cash_on_hand: "150')
    path = write(text)
    assert lines_of(path) == [
        f"{path}:{len(text.splitlines()) + 1}: (syntax): not valid YAML: found unexpected end of stream"]


def test_a_control_character_names_its_code(write):
    path = write("schema: reportgen/v1\nnotes: a\x07b\n")
    assert lines_of(path) == [
        f"{path}:2: (syntax): not valid YAML: unacceptable character #x0007: control characters are not allowed"]


def test_several_documents_are_refused_at_the_second(write):
    text, _ = render(BASE)
    path = write("---\n" + text + "---\n" + text)
    second = _line_containing("---\n" + text + "---\n", "---", start=2)
    assert lines_of(path) == [f"{path}:{second}: (document): more than one YAML document; one company per file"]


def test_one_explicit_document_is_fine(write):
    text, _ = render(BASE)
    assert accepted(write("%YAML 1.2\n---\n" + text + "...\n")).input.cash_on_hand == 150


@pytest.mark.parametrize(("content", "message"), [
    ("", "file is empty; expected a company starting with 'schema: reportgen/v1'"),
    ("   \n\n\t\n", "file is empty; expected a company starting with 'schema: reportgen/v1'"),
    ("# only\n# comments\n", "must be a mapping of fields starting with 'schema: reportgen/v1'"),
    ("just some text\n", "must be a mapping of fields starting with 'schema: reportgen/v1'"),
    ("42\n", "must be a mapping of fields starting with 'schema: reportgen/v1'"),
])
def test_empty_and_non_mapping_documents(write, content, message):
    path = write(content)
    assert lines_of(path) == [f"{path}:1: (document): {message}"]


def test_an_empty_explicit_document(write):
    [problem] = problems_of(write("---\n"))
    assert (problem.field, problem.message) == (
        "(document)", "must be a mapping of fields starting with 'schema: reportgen/v1'")
    assert problem.line in (1, 2)


def test_a_list_document_is_located_at_its_start(write):
    path = write("# a list, not a company\n- schema: reportgen/v1\n")
    assert lines_of(path) == [
        f"{path}:2: (document): must be a mapping of fields starting with 'schema: reportgen/v1'"]


@pytest.mark.parametrize("depth", [33, 100, 100_000])
def test_deep_nesting_is_refused_without_recursion(write, depth):
    text, _where = render(BASE)
    path = write(text + "deep: " + "[" * depth + "]" * depth + "\n")
    line = len(text.splitlines()) + 1
    assert lines_of(path) == [f"{path}:{line}: deep" + ".0" * 32 + ": nested deeper than 32 levels"]


def test_deep_block_mappings_are_refused_too(write):
    text = "schema: reportgen/v1\n" + "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "v: 1\n"
    path = write(text)
    [problem] = problems_of(path)
    assert problem.message == "nested deeper than 32 levels"
    assert problem.field == ".".join(f"k{i}" for i in range(33))
    assert problem.line == _line_containing(text, "k32:") + 1  # where the 33rd level begins


def test_nesting_within_the_limit_is_an_ordinary_error(write):
    text, _where = render(BASE)
    path = write(text + "deep: " + "[" * 20 + "]" * 20 + "\n")
    [problem] = problems_of(path)
    assert (problem.field, problem.message) == ("deep", "unknown field")


# --- JSON: the same contract ---------------------------------------------------------------------------

def _example_json() -> tuple[dict, str]:
    data = to_json_compatible(yaml.safe_load(EXAMPLE.read_text()))
    return data, json.dumps(data, indent=2)


def test_json_input_gives_the_same_spec_as_yaml(write):
    data, text = _example_json()
    spec = accepted(write(text, "anthropic-2026.json"))
    assert spec.input == accepted(EXAMPLE).input
    assert spec.name == "anthropic-2026"
    compact = accepted(write(json.dumps(data), "compact.json"))
    assert compact.input == spec.input


def test_json_errors_are_located_by_line(write):
    data, _ = _example_json()
    data["revenue"]["fade"] = 6
    data["cash_on_hand"] = "90"
    data["dcf"]["horizon"] = 10.5
    data["costs"]["tax_rate"] = "21%"
    data["compute"]["providers"][1]["shares"] = data["compute"]["providers"][1].pop("share")
    text = json.dumps(data, indent=2)
    path = write(text, "bad.json")
    assert lines_of(path) == [
        f"{path}:{_key_line(text, 'cash_on_hand')}: cash_on_hand: must be a number, not text "
        "(got '90'); remove the quotes",
        f"{path}:{_key_line(text, 'fade')}: revenue.fade: must be between 0 and 1 (got 6); "
        "rates are fractions",
        f"{path}:{_key_line(text, 'tax_rate')}: costs.tax_rate: must be a number, not a percentage "
        "(got '21%'); write percentages as fractions (45% is 0.45)",
        # a list item is where it starts: the "{" line before its first key
        f"{path}:{_key_line(text, 'Google Cloud') - 1}: compute.providers.1.share: is required",
        f"{path}:{_key_line(text, 'shares')}: compute.providers.1.shares: unknown field (got 0.2); "
        "did you mean share?",
        f"{path}:{_key_line(text, 'horizon')}: dcf.horizon: must be a whole number (got 10.5)",
    ]


def test_json_duplicate_keys_are_refused(write):
    _, text = _example_json()
    text = text.replace('"cash_on_hand": 90,', '"cash_on_hand": 90,\n  "cash_on_hand": 1,')
    path = write(text, "dup.json")
    line = _line_containing(text, '"cash_on_hand": 1')
    assert lines_of(path) == [f"{path}:{line}: cash_on_hand: duplicate key"]


def test_json_syntax_errors_are_located(write):
    _, text = _example_json()
    text = text.replace('"cash_on_hand": 90,', '"cash_on_hand": 90')
    path = write(text, "broken.json")
    [problem] = problems_of(path)
    assert (problem.field, problem.line) == ("(syntax)", _line_containing(text, '"cash_on_hand"') + 1)
    assert problem.message.startswith("not valid YAML: ")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_json_non_finite_numbers_are_refused(write, value):
    _, text = _example_json()
    text = text.replace('"cash_on_hand": 90,', f'"cash_on_hand": {value},')
    path = write(text, "nan.json")
    assert lines_of(path) == [
        f"{path}:{_key_line(text, 'cash_on_hand')}: cash_on_hand: must be a finite number (got {value})"]


def test_json_booleans_and_nulls_are_the_json_ones(write):
    data, _ = _example_json()
    data["compute"]["providers"][1]["investor"] = False
    data["notes"] = None
    spec = accepted(write(json.dumps(data, indent=1), "ok.json"))
    assert spec.input.compute.providers[1].investor is False and spec.input.notes is None


# --- encodings ------------------------------------------------------------------------------------------

def test_a_leading_utf8_bom_gives_exactly_the_same_spec(write):
    """Design decision: one leading UTF-8 BOM (Excel, Notepad) is accepted, as YAML allows."""
    text, _ = render(BASE)
    plain = accepted(write(text, "plain.yaml"))
    with_bom = accepted(write(b"\xef\xbb\xbf" + text.encode(), "bom.yaml"))
    assert with_bom.input == plain.input
    assert with_bom.input.schema_ == "reportgen/v1"


def test_a_leading_utf8_bom_keeps_every_line_number(write):
    text, where = render(changed(revenue__fade=7, dcf__horizon=2))
    plain = problems_of(write(text, "plain.yaml"))
    with_bom = problems_of(write(b"\xef\xbb\xbf" + text.encode(), "plain.yaml"))
    assert with_bom == plain
    assert [p.line for p in plain] == [where["revenue.fade"], where["dcf.horizon"]]


def test_a_leading_bom_in_json_is_accepted(write):
    _, text = _example_json()
    assert accepted(write(b"\xef\xbb\xbf" + text.encode(), "bom.json")).input == accepted(EXAMPLE).input


@pytest.mark.parametrize("where_", ["second BOM", "inside a value", "at a line start"])
def test_a_bom_anywhere_else_is_an_error(write, where_):
    text, lines = render(BASE)
    if where_ == "second BOM":
        content, line = "\ufeff\ufeff" + text, 1
    elif where_ == "inside a value":
        content, line = text.replace("cash_on_hand: 150.0", "cash_on_hand: 15\ufeff0.0"), lines["cash_on_hand"]
    else:
        content, line = text.replace("dcf:", "\ufeffdcf:"), lines["dcf"]
    path = write(content.encode("utf-8"))
    assert lines_of(path) == [f"{path}:{line}: (file): contains a byte-order mark (U+FEFF) inside the text"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_its_bom_is_refused(write, encoding):
    text, _ = render(BASE)
    content = text.encode(encoding) if encoding == "utf-16" else ("\ufeff" + text).encode(encoding)
    path = write(content)
    assert lines_of(path) == [f"{path}:1: (file): is UTF-16 text; save it as UTF-8"]


def test_utf32_is_refused(write):
    text, _ = render(BASE)
    [problem] = problems_of(write(text.encode("utf-32")))
    assert (problem.line, problem.field) == (1, "(file)") and problem.message.endswith("save it as UTF-8")


def test_utf16_without_a_bom_is_refused_as_not_text(write):
    text, _ = render(BASE)
    path = write(text.encode("utf-16-le"))
    assert lines_of(path) == [f"{path}:1: (file): contains a NUL byte; not a text file"]


def test_invalid_utf8_is_located(write):
    text, where = render(BASE)
    content = text.replace("notes: Plain notes.", "notes: Caf\xe9 notes").encode("latin-1")
    path = write(content)
    start = content.index(b"\xe9")
    assert lines_of(path) == [
        f"{path}:{where['notes']}: (file): is not valid UTF-8 text (got {content[start:start + 4]!r})"]


@pytest.mark.parametrize("bad", [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"])
def test_invalid_utf8_sequences(write, bad):
    path = write(b"schema: reportgen/v1\n# ok\nnotes: x" + bad + b"\n")
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (3, "(file)", "is not valid UTF-8 text")


def test_a_nul_byte_is_located(write):
    text, where = render(BASE)
    path = write(text.replace("horizon: 8", "horizon: 8\x00").encode())
    assert lines_of(path) == [f"{path}:{where['dcf.horizon']}: (file): contains a NUL byte; not a text file"]


def test_crlf_line_endings_are_fine_and_keep_line_numbers(write):
    text, where = render(changed(dcf__horizon=2))
    path = write(text.replace("\n", "\r\n"))
    assert lines_of(path) == [f"{path}:{where['dcf.horizon']}: dcf.horizon: must be between 3 and 30 (got 2)"]


def test_utf8_text_is_kept(write_spec):
    name = "Société Générale 株式会社 🚀"
    assert accepted(write_spec(changed(company__name=name))[0]).input.company.name == name


# --- the file itself -----------------------------------------------------------------------------------

def test_a_50_mb_file_is_refused_by_size_before_parsing(write, monkeypatch):
    import reportgen.contract.document as document

    text, _ = render(BASE)
    content = text.encode() + b"# " + b"x" * (50 * 1024 * 1024) + b"\n"
    path = write(content)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(document, "parse_document", no_parsing)
    started = time.perf_counter()
    assert lines_of(path) == [f"{path}:1: (file): is too large (50.0 MB); an input may be at most 1.0 MB"]
    assert time.perf_counter() - started < 0.5


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_not(write):
    text, _ = render(BASE)
    padding = MAX_INPUT_BYTES - len(text.encode()) - 2
    exact = write(text + "#" + "x" * padding + "\n", "exact.yaml")
    assert exact.stat().st_size == MAX_INPUT_BYTES
    assert accepted(exact).input.cash_on_hand == 150
    over = write(text + "#" + "x" * (padding + 1) + "\n", "over.yaml")
    [problem] = problems_of(over)
    assert (problem.line, problem.field) == (1, "(file)")
    assert problem.message.startswith("is too large (") and problem.message.endswith("; an input may be at most 1.0 MB")


def test_a_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    assert lines_of(path) == [f"{path}:1: (file): no such file"]


def test_a_directory(tmp_path):
    assert lines_of(tmp_path) == [f"{tmp_path}:1: (file): is a directory, not an input file"]


def test_dev_zero_as_input_is_refused_without_reading_it():
    started = time.perf_counter()
    assert lines_of("/dev/zero") == ["/dev/zero:1: (file): is not a regular file"]
    assert time.perf_counter() - started < 1


def test_a_fifo_as_input_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "company.yaml"
    os.mkfifo(fifo)
    assert lines_of(fifo) == [f"{fifo}:1: (file): is not a regular file"]


def test_a_symlink_to_a_valid_input_is_followed(tmp_path, write_spec):
    target, _ = write_spec(BASE, "real.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert accepted(link).input == accepted(target).input


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(write_spec):
    path, _ = write_spec(BASE)
    path.chmod(0)
    try:
        assert lines_of(path) == [f"{path}:1: (file): cannot be read (permission denied)"]
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_minimal_input_round_trips_through_every_format(write):
    text, _ = render(MINIMAL)
    yaml_spec = accepted(write(text, "m.yaml"))
    json_spec = accepted(write(json.dumps(to_json_compatible(MINIMAL)), "m.json"))
    yml_spec = accepted(write(text, "m.yml"))
    assert yaml_spec.input == json_spec.input == yml_spec.input


def test_the_input_is_read_once_into_the_bundle(write_spec):
    path, _ = write_spec(BASE)
    bundle = read_input(str(path))
    Path(path).write_text("garbage: [\n")  # later changes on disk do not matter: parsing uses the bundle
    assert parse_bundle(bundle).input.cash_on_hand == 150


# --- one line per problem, whatever the input holds ------------------------------------------------------

def test_a_key_with_a_newline_is_shown_escaped_on_one_line(write):
    path = write('schema: reportgen/v1\n"evil\\n/etc/passwd:1: forged": 1\n')
    [unknown] = [p for p in problems_of(path) if p.message == "unknown field"]
    assert str(unknown) == (f"{path}:2: evil\\n/etc/passwd:1: forged: unknown field (got 1); "
                            "expected one of schema, company, valuation, cash_on_hand, revenue, costs, compute, "
                            "peers, dcf, scenarios, monte_carlo, sources, notes, commentary")


def test_a_sources_key_with_a_newline_is_shown_escaped(write_spec):
    path, where = write_spec(changed(sources={"cash_on_hand\nx": "note"}))
    line = where["sources"] + 1
    assert lines_of(path) == [f"{path}:{line}: "
                              "sources.cash_on_hand\\nx: names no field of this input; "
                              "keys are field paths such as valuation.post_money, compute.providers.0 or costs",
                              f"{path}:{line}: sources.cash_on_hand\\nx: contains a control character (U+000A) "
                              "(got note)"]


def test_invisible_direction_controls_in_a_value_are_shown_escaped(write_spec):
    path, where = write_spec(changed(company__name=Raw("Evil\u202eoC")))
    assert lines_of(path) == [f"{path}:{where['company.name']}: company.name: contains an invisible direction "
                              "control (U+202E) (got Evil\\u202eoC)"]


def test_a_file_name_with_a_newline_is_shown_escaped(write_spec):
    path, where = write_spec(changed(dcf__horizon=2), "bad\nname.yaml")
    escaped = str(path).replace("\n", "\\n")
    assert lines_of(path) == [f"{escaped}:{where['dcf.horizon']}: dcf.horizon: must be between 3 and 30 (got 2)"]
