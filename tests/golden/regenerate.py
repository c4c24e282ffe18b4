"""Regenerate the golden model.json files of tests/golden/ (run on purpose, then review the diff).

    .venv/bin/python tests/golden/regenerate.py           # write the files
    .venv/bin/python tests/golden/regenerate.py --check   # only say which would change (exit 1 if any)

Each ``inputs/<name>.yaml`` listed below gives ``tests/golden/<name>.model.json``: the exact bytes of
``run_model(load_spec(...)).to_json_bytes()`` (model.json ``reportgen.model/v2``, MODEL.md section 4).
tests/model/test_model_golden_files.py compares the current output with these files byte for byte.

Regenerating never silences a figure of MODEL.md section 5: before writing, the worked example's golden
figures test (tests/model/test_model_golden_figures.py) must pass, or nothing is written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
NAMES = ("anthropic-2026", "nordlicht-2026", "meridian-2026")
SCHEMA = "reportgen.model/v2"
FIGURES_TEST = "tests/model/test_model_golden_figures.py"


def golden_bytes(name: str) -> bytes:
    from reportgen.contract.load import load_spec
    from reportgen.model.run import run_model

    content = run_model(load_spec(str(ROOT / "inputs" / f"{name}.yaml"))).to_json_bytes()
    schema = json.loads(content)["schema"]
    if schema != SCHEMA:
        raise SystemExit(f"{name}: model.json says schema {schema!r}, expected {SCHEMA!r}")
    return content


def _figures_pass() -> bool:
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", FIGURES_TEST],
                          cwd=str(ROOT), capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout[-3000:], file=sys.stderr)
        print(f"{FIGURES_TEST} fails: the model no longer gives MODEL.md section 5's figures; "
              "nothing written", file=sys.stderr)
    return done.returncode == 0


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    check = "--check" in argv
    if not check and not _figures_pass():
        return 1
    changed = []
    for name in NAMES:
        target = GOLDEN / f"{name}.model.json"
        content = golden_bytes(name)
        old = target.read_bytes() if target.exists() else None
        if old != content:
            changed.append(name)
        if not check:
            target.write_bytes(content)
        state = "unchanged" if old == content else ("differs" if check else "written")
        print(f"{target.relative_to(ROOT)}: {state}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
