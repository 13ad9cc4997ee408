"""The project's rule, kept by a test: no function in app/ over 80 lines (tools/longest_functions.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_function_in_app_is_over_80_lines():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "longest_functions.py"), "--over", "80"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, "functions over 80 lines (split them by job):\n" + done.stdout
