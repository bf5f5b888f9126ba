"""The suite runs from one call over any of its folders (`pytest tests/core tests/ui`), not only as a
whole: pytest names every conftest.py `conftest`, so a test that imported from it would get whichever
folder's conftest was read last. What tests share by name lives in helper modules (tests/db_helpers.py …)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_test_imports_a_conftest():
    found = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "tests").rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.match(r"\s*(from\s+(tests\.)?conftest\s+import|import\s+(tests\.)?conftest\b)", line)]
    assert not found, found


def test_core_and_window_tests_collect_in_one_call():
    # a core test importing the database helpers, collected after tests/ui/conftest.py was read
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "tests/ui/test_ticket_lifecycle.py", "tests/core/test_integrity.py", "tests/core/test_write_lock.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "error" not in result.stdout.lower()
