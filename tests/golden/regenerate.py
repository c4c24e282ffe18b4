"""Regenerate the golden model.json files of tests/golden/ (run on purpose, then review the diff).

    .venv/bin/python tests/golden/regenerate.py

Each ``inputs/<name>.yaml`` listed below gives ``tests/golden/<name>.model.json``: the exact bytes of
``run_model(load_spec(...)).to_json_bytes()``. tests/model/test_model_golden_files.py compares the
current output with these files byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
NAMES = ("anthropic-2026", "nordlicht-2026", "meridian-2026")


def golden_bytes(name: str) -> bytes:
    from reportgen.model.run import run_model
    from reportgen.spec.load import load_spec

    return run_model(load_spec(str(ROOT / "inputs" / f"{name}.yaml"))).to_json_bytes()


def main() -> int:
    sys.path.insert(0, str(ROOT))
    for name in NAMES:
        target = GOLDEN / f"{name}.model.json"
        content = golden_bytes(name)
        old = target.read_bytes() if target.exists() else None
        target.write_bytes(content)
        print(f"{target.relative_to(ROOT)}: {'unchanged' if old == content else 'written'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
