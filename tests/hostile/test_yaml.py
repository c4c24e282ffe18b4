"""Family 3: YAML tricks. Every one is a located error, and none runs code or expands anything.

reportgen walks libyaml's event stream and never calls a constructor: tags, anchors and aliases, duplicate
keys, complex keys, several documents and deep nesting are refused with the line and field; plain scalars
follow YAML 1.2's core schema, so YAML 1.1's ``yes``/``on`` booleans and ``1:30`` sexagesimals stay text and
are refused where numbers or flags belong; numbers that overflow a float are refused, not turned into inf.
"""

from __future__ import annotations

import pytest
from hostilekit import Case, Workspace, line_of, params, yaml_text

F = "yaml"
GOOD = yaml_text()


def _replace(old: str, new: str, text: str = GOOD) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


_LAUGHS = ('lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
           + "".join(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)))
_DIGITS = "1" + "0" * 400  # 10**400 written out: 401 digits

# (text, field, needle of the expected line, words of the message)
CASES = [
    Case(F, "y-python-tag-apply", "error", (
        _replace('name: "Acme Labs"', 'name: !!python/object/apply:os.system ["touch PWNED"]'),
        "company.name", "!!python", "YAML tags are not allowed")),
    Case(F, "y-python-tag-document", "error", (
        '!!python/object/apply:os.system ["touch PWNED"]\n', "(document)", "!!python", "YAML tags are not allowed")),
    Case(F, "y-python-tag-name", "error", (
        _replace('notes: "Invented', 'notes: !!python/name:os.system\nx: "Invented'),
        "notes", "!!python", "YAML tags are not allowed")),
    Case(F, "y-python-tag-in-list", "error", (
        _replace('- name: "Lambda"',
                 '- !!python/object/new:subprocess.Popen [["touch", "PWNED"]]\n    - name: "Lambda"'),
        "compute.providers.2", "!!python", "YAML tags are not allowed")),
    Case(F, "y-billion-laughs", "error", (GOOD + _LAUGHS, "lol0", "&a0", "YAML anchors (&name) are not allowed")),
    Case(F, "y-alias-of-scalar", "error", (
        _replace('name: "CoreWeave"', "name: *lambda"),
        "compute.providers.1.name", "*lambda", "YAML aliases (*name) are not allowed")),
    Case(F, "y-merge-key-alias", "error", (
        _replace("company:\n", "base: &base {unit: billion}\ncompany:\n  <<: *base\n"),
        "base", "&base", "YAML anchors (&name) are not allowed")),
    Case(F, "y-merge-key-plain", "error", (
        _replace("company:\n", "company:\n  <<: {unit: billion}\n"), "company.<<", "<<:", "unknown field")),
    Case(F, "y-duplicate-key", "error", (
        _replace("  run_rate: 880\n", "  run_rate: 880\n  run_rate: 88000\n"),
        "revenue.run_rate", "run_rate: 88000", "duplicate key")),
    Case(F, "y-duplicate-section", "error", (GOOD + 'company: {name: "Other"}\n', "company", "company: {",
                                            "duplicate key")),
    Case(F, "y-yes-as-number", "error", (
        _replace("inference_share: 0.38", "inference_share: yes"), "costs.inference_share", "inference_share: yes",
        "not a yes/no word")),
    Case(F, "y-on-as-flag", "error", (
        _replace("investor: true", "investor: on"), "compute.providers.0.investor", "investor: on",
        "must be true or false")),
    Case(F, "y-no-as-flag", "error", (
        _replace('share: 0.3\n', 'share: 0.3\n      investor: NO\n'), "compute.providers.1.investor", "NO",
        "must be true or false")),
    Case(F, "y-sexagesimal", "error", (
        _replace("growth_y1: 0.9", "growth_y1: 1:30"), "revenue.growth_y1", "1:30", "must be a number")),
    Case(F, "y-float-1e400", "error", (
        _replace("post_money: 12500", "post_money: 1e400"), "valuation.post_money", "1e400",
        "must be a finite number")),
    Case(F, "y-int-400-digits", "error", (
        _replace("post_money: 12500", f"post_money: {_DIGITS}"), "valuation.post_money", _DIGITS[:50],
        "must be a finite number")),
    Case(F, "y-whole-400-digits", "error", (
        _replace("years: 6", f"years: {_DIGITS}"), "compute.providers.0.years", _DIGITS[:50],
        "must be a whole number")),
    Case(F, "y-deep-sequences", "error", (
        _replace('notes: "Invented company for the hostile-input suite."', "notes: " + "[" * 10000 + "]" * 10000),
        None, "notes:", "nested deeper than 32 levels")),
    Case(F, "y-deep-mappings", "error", (
        _replace('notes: "Invented company for the hostile-input suite."', "notes: " + "{a: " * 10000 + "1"
                 + "}" * 10000), None, "notes:", "nested deeper than 32 levels")),
    Case(F, "y-two-documents", "error", (GOOD + "---\n" + GOOD, "(document)", "---",
                                         "more than one YAML document")),
    Case(F, "y-explicit-str-tag", "error", (
        _replace('name: "Acme Labs"', "name: !!str Acme"), "company.name", "!!str", "YAML tags are not allowed")),
    Case(F, "y-local-tag", "error", (
        _replace("post_money: 12500", "post_money: !expr 12500*2"), "valuation.post_money", "!expr",
        "YAML tags are not allowed")),
    Case(F, "y-complex-key", "error", (
        _replace("cash_on_hand: 1650\n", "cash_on_hand: 1650\n? [a, b]\n: 1\n"), "(document)", "? [a, b]",
        "mapping keys must be plain text")),
]


@pytest.mark.parametrize("case", params(CASES))
def test_yaml_trick_is_a_located_error(case: Case, ws: Workspace) -> None:
    text, field, needle, words = case.data
    ws.write(text)
    line = line_of(text, needle)
    if field is None:  # deep nesting: located at the innermost refused level, on the notes line
        run = ws.expect_error("--format", "json", contains=words)
        assert f"inputs/acme.yaml:{line}: notes.0" in run.output or f"inputs/acme.yaml:{line}: notes.a" in run.output
    else:
        run = ws.expect_error("--format", "json", field=field, line=line, contains=words)
    for folder in (ws.root, ws.inputs, ws.out):
        assert not (folder / "PWNED").exists(), "a YAML tag ran code"
    assert len(run.output) < 20_000, "the error output is amplified"


@pytest.mark.parametrize("case", params(CASES, where=lambda c: "python" in c.id))
def test_validate_runs_no_code_either(case: Case, ws: Workspace) -> None:
    from hostilekit import reportgen

    ws.write(case.data[0])
    run = reportgen("validate", "inputs/acme.yaml", cwd=ws.root)
    assert run.code == 1 and "Traceback" not in run.output, str(run)
    assert "YAML tags are not allowed" in run.output
    assert not (ws.root / "PWNED").exists() and not (ws.inputs / "PWNED").exists()
