"""Fixtures of the model tests: each example input is loaded and modelled once per session."""

from __future__ import annotations

import pytest
from modelkit import EXAMPLE, INPUTS

from reportgen.contract.load import load_spec
from reportgen.model.run import run_model


@pytest.fixture(scope="session")
def example_spec():
    return load_spec(str(EXAMPLE))


@pytest.fixture(scope="session")
def example_model(example_spec):
    return run_model(example_spec)


@pytest.fixture(scope="session")
def example_json(example_model):
    return example_model.to_json()


@pytest.fixture(scope="session")
def load_input():
    cache = {}

    def load(stem: str):
        if stem not in cache:
            spec = load_spec(str(INPUTS / f"{stem}.yaml"))
            cache[stem] = (spec, run_model(spec))
        return cache[stem]

    return load
