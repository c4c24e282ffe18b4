"""Docs cannot drift: every input field is described in the schema and named in the contract under docs/,
every key model.json carries is named there too, no document links outside the repository, and the
README names every command of the CLI."""

from __future__ import annotations

import ast
import copy
import glob
import os
import re
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from reportgen.cli import app
from reportgen.contract.schema import InputDocument

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
CONTRACT_PAGES = ["contract.md", "contract-input.md", "contract-model.md", "contract-output.md"]
EXAMPLE = os.path.join(ROOT, "inputs", "anthropic-2026.yaml")
WITH_HISTORY = os.path.join(ROOT, "inputs", "nordlicht-2026.yaml")  # the example with a revenue history

# Maps in model.json keyed by data, not by name: the contract writes their keys as placeholders.
PLACEHOLDERS = {"scenarios": "<name>", "inputs": "<path>", "provenance": "<figure>"}


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _contract_text() -> str:
    return "\n".join(_read(os.path.join(DOCS, page)) for page in CONTRACT_PAGES)


def _code_spans(text: str) -> set[str]:
    """Everything the contract writes as code (`...`): field paths, keys, words."""
    return set(re.findall(r"`([^`\n]+)`", text))


# --- input fields --------------------------------------------------------------------------------------

def _submodels(annotation: Any) -> list[tuple[str, type[BaseModel]]]:
    """The pydantic models inside a field's annotation, with the path segment that leads into them: ""
    for a model, an optional model, a list (tuple) of models or an Annotated model; ".<path>" for the
    values of a map (``sources``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [("", annotation)]
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is dict:
        return [(".<path>" + suffix, model) for suffix, model in _submodels(args[1])]
    found: list[tuple[str, type[BaseModel]]] = []
    for arg in args:  # Union / Optional, tuple[X, ...], Annotated[X, ...] (metadata yields nothing)
        found += [item for item in _submodels(arg) if item not in found]
    return found


def _fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str | None]]:
    """(dotted path, description) of every field, recursively: list items without an index
    (``compute.providers.share``), map values under ``<path>`` (``sources.<path>.kind``)."""
    found = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        found.append((key, info.description))
        for suffix, submodel in _submodels(info.annotation):
            if suffix:
                found.append((key + suffix, None))
            found += _fields(submodel, key + suffix + ".")
    return found


def _input_candidates(path: str) -> set[str]:
    """How the contract may write a path: as it is, or with the scenario as ``<name>``."""
    parts = path.split(".")
    candidates = {path}
    if parts[0] == "scenarios" and len(parts) > 2:
        candidates.add(".".join(["scenarios", "<name>", *parts[2:]]))
    return candidates


def test_every_contract_field_has_a_description():
    missing = [key for key, description in _fields(InputDocument) if not description and "<path>" not in key]
    assert missing == []


def test_the_field_walk_reaches_nested_and_v2_fields():
    paths = {key for key, _ in _fields(InputDocument)}
    for expected in ("costs.tax_losses", "monte_carlo.rate_spread", "compute.providers.share",
                     "peers.growth_y1", "peers.cash_on_hand", "peers.providers.name",
                     "scenarios.bull.price_decline_delta", "schema"):
        assert expected in paths, expected


def test_every_input_field_is_in_the_contract_doc():
    spans = _code_spans(_contract_text())
    undocumented = [key for key, _ in _fields(InputDocument) if not _input_candidates(key) & spans]
    assert undocumented == [], "input fields missing from docs/contract-input.md"


# --- model.json keys -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    """model.json of the worked example, of an input with a revenue history, and of the worked example
    rebuilt after a change (so that ``changes`` is filled in)."""
    import reportgen
    from reportgen.model.changes import compare

    models = [reportgen.run_model(reportgen.load_spec(path)) for path in (EXAMPLE, WITH_HISTORY)]
    docs = [model.to_json() for model in models]
    previous = copy.deepcopy(docs[0])
    previous["inputs"]["valuation.post_money"]["value"] += 1.0
    previous["metrics"]["valuation_multiple"] += 1.0
    previous["judgments"]["multiple"] = "conventional"
    changes = compare(previous, models[0])
    assert changes is not None and changes["inputs"] and changes["figures"] and changes["judgments"]
    docs.append(models[0].with_changes(changes).to_json())
    what_if = reportgen.load_spec(EXAMPLE, {"revenue.growth_y1": 0.5, "dcf.discount_rate": 0.14})
    docs.append(reportgen.run_model(what_if).to_json())
    return docs


def _json_keys(value: Any, prefix: str = "") -> set[str]:
    """Dotted paths of every key in a model.json: list items without an index, maps keyed by data
    under their placeholder (``scenarios.<name>.cash_low``, ``inputs.<path>.basis``)."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= _json_keys(item, prefix)
    elif isinstance(value, dict):
        placeholder = PLACEHOLDERS.get(prefix.rstrip("."))
        for key, item in value.items():
            path = prefix + (placeholder or key)
            found.add(path)
            found |= _json_keys(item, path + ".")
    return found


def _judgment_words() -> set[str]:
    """Every word a judgment can take: the bands of reportgen/model/judgments.py and the words its
    functions return outright (funding, liquidity, no_positive_value)."""
    from reportgen.model import judgments

    words = {word for steps, floor in judgments.BANDS.values() for word in [floor, *(w for _, w in steps)]}
    words |= {word for _, word in judgments.ODDS} | {judgments.ODDS_ABOVE}
    tree = ast.parse(_read(judgments.__file__))
    for node in ast.walk(tree):
        if isinstance(node, ast.Return):
            outcomes = [node.value]
        elif isinstance(node, ast.IfExp):
            outcomes = [node.body, node.orelse]
        else:
            continue
        words |= {n.value for n in outcomes if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return words


def test_every_model_json_key_is_in_the_contract_doc(documents):
    spans = _code_spans(_contract_text())
    keys: set[str] = set()
    for document in documents:
        keys |= _json_keys(document)
    assert {"changes.figures.kind", "history.period", "monte_carlo.histogram.edges",
            "scenarios.<name>.parameters.fade", "provenance.<figure>.reason", "inputs.<path>.basis",
            "peers.providers.share", "company.input_sha256",
            "company.what_if.input"} <= keys  # the walk reaches every level
    undocumented = sorted(keys - spans)
    assert undocumented == [], "model.json keys missing from docs/contract-output.md"


def test_every_scenario_method_and_judgment_word_is_in_the_contract_doc(documents):
    spans = _code_spans(_contract_text())
    example = documents[0]
    names = set(example["scenarios"]) | {row["method"] for row in example["valuation_summary"]}
    words = _judgment_words() | set(example["judgments"].values()) | set(documents[1]["judgments"].values())
    assert {"self_funded", "dilutive", "squeeze", "funded", "no_positive_value"} <= words
    missing = sorted((names | words | set(example["judgments"])) - spans)
    assert missing == []


def test_every_provenance_entry_is_a_documented_figure(documents):
    """Provenance keys are figures: a metric (``hhi``), ``scenarios.<name>.<key>``, ``monte_carlo.<key>``,
    ``valuation_summary.<method>``, ... Each must name something the contract documents."""
    spans = _code_spans(_contract_text())
    missing = []
    for key in documents[0]["provenance"]:
        parts = key.split(".")
        if parts[0] == "scenarios":
            parts[1] = "<name>"
        generic = ".".join(parts)
        if generic not in spans and not (parts[0] in spans and parts[-1] in spans):
            missing.append(key)
    assert missing == []


# --- links ---------------------------------------------------------------------------------------------

def _markdown_files() -> list[str]:
    return [os.path.join(ROOT, "README.md"), *sorted(glob.glob(os.path.join(DOCS, "*.md")))]


def test_no_document_links_outside_the_repository():
    for path in _markdown_files():
        text = _read(path)
        for banned in ("../shared", "/work/shared", "shared/MODEL.md"):
            assert banned not in text, f"{os.path.relpath(path, ROOT)} refers to {banned}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_every_relative_link_in_the_docs_resolves():
    broken = []
    for path in _markdown_files():
        for target in re.findall(r"\]\(([^)\s]+)\)", _read(path)):
            if re.match(r"^[a-z]+:", target):
                continue  # an external address
            file_part, _, anchor = target.partition("#")
            linked = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not linked.startswith(ROOT + os.sep) or not os.path.exists(linked):
                broken.append(f"{os.path.relpath(path, ROOT)}: {target}")
            elif anchor and linked.endswith(".md"):
                headings = re.findall(r"^#+ (.+)$", _read(linked), re.M)
                if anchor not in {_slug(h) for h in headings}:
                    broken.append(f"{os.path.relpath(path, ROOT)}: {target}")
    assert broken == []


def test_the_contract_index_links_every_part():
    index = _read(os.path.join(DOCS, "contract.md"))
    for page in CONTRACT_PAGES[1:]:
        assert f"]({page})" in index, page


# --- README --------------------------------------------------------------------------------------------

def test_readme_starts_with_the_two_commands_and_names_every_command():
    readme = _read(os.path.join(ROOT, "README.md"))
    first_block = re.search(r"```\n(.*?)```", readme, re.S)
    assert first_block is not None and readme.index("```") < readme.index("##")
    assert first_block.group(1).split("\n")[:2] == ["make brief", "make test"]
    commands = list(app.commands)
    assert sorted(commands) == ["build", "config", "new", "preview", "schema", "validate", "verify", "watch"]
    for command in commands:
        assert f"reportgen {command}" in readme, command


def test_readme_points_at_the_contract():
    readme = _read(os.path.join(ROOT, "README.md"))
    assert "](docs/contract.md)" in readme


def test_ci_runs_the_readme_test_command():
    assert "make test" in _read(os.path.join(ROOT, ".ci", "run"))


def test_the_package_description_is_written_for_the_index():
    """The wheel's description (pyproject's readme) is for pip users: no make commands of a checkout, no link
    (relative ones break on the index, and nothing may point outside the repository)."""
    import tomllib

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as handle:
        project = tomllib.load(handle)["project"]
    readme = project["readme"]
    assert readme != "README.md"
    text = _read(os.path.join(ROOT, readme))
    assert not re.search(r"^make ", text, re.MULTILINE)
    assert "](" not in text and "http" not in text
    assert "reportgen build" in text and text.startswith("# reportgen\n")
