"""Every lesson example in docs/authoring.md passes `layerlab check --strict`: the reference cannot lie."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "authoring.md"
sys.path.insert(0, str(ROOT / "tests" / "cli"))

from cli_inprocess import layerlab  # noqa: E402


def examples() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", DOC.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)


def test_every_yaml_example_of_the_authoring_doc_passes_check(tmp_path):
    found = examples()
    assert len(found) >= 5  # one per step kind, the context kinds, a failing build
    paths = []
    for n, text in enumerate(found, 1):
        paths.append(tmp_path / f"example-{n}.yaml")
        paths[-1].write_text(text, encoding="utf-8")
    result = layerlab("check", "--strict", *paths)
    assert result.returncode == 0, result.stderr
    assert f"{len(found)} lesson(s)" in result.stdout


def test_the_doc_shows_every_step_kind_and_every_key():
    from app.lessons.model import ALL_KEYS, STEP_KINDS

    text = "\n".join(examples())
    for kind in STEP_KINDS:
        assert re.search(rf"^  - {kind}:", text, re.MULTILINE), kind
    described = DOC.read_text(encoding="utf-8")
    missing = [key for key in ALL_KEYS if f"`{key}`" not in described and f"{key}:" not in text]
    assert missing == []
