"""Fixtures of the input-contract tests. Every file is written into pytest's tmp_path, never into the repo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from speckit import EXAMPLE, render


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """``write(content, name="company.yaml")``: text (UTF-8) or bytes into tmp_path; returns the path."""

    def write(content: str | bytes, name: str = "company.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return write


@pytest.fixture
def write_spec(write: Callable[..., Path]) -> Callable[..., tuple[Path, dict[str, int]]]:
    """``write_spec(data, name="company.yaml")``: ``data`` rendered as YAML; returns the path and the line of
    every dotted field path in it."""

    def write_spec(data: dict[str, Any], name: str = "company.yaml") -> tuple[Path, dict[str, int]]:
        text, where = render(data)
        return write(text, name), where

    return write_spec


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")
