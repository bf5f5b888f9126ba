"""docs/RULES.md maps every section of the team's RULES.md to the function that encodes the rule and
the tests that hold it: every function and test it names must exist, so the table cannot go stale."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "RULES.md"
FUNCTION = re.compile(r"`(warranty_desk/[\w/]+\.py):(\w+)`")
TEST = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_every_section_of_the_rules_has_its_table():
    text = DOC.read_text(encoding="utf-8")
    for section in ("## §2 ", "### §2.1 ", "### §2.2 ", "## §3 ", "## §4 ", "## §5 ", "## §6 ", "## §7 ", "## §8 "):
        assert section in text, section


def test_every_function_and_test_named_exists():
    text = DOC.read_text(encoding="utf-8")
    functions, tests = FUNCTION.findall(text), TEST.findall(text)
    assert len(functions) > 40 and len(tests) > 50
    missing = []
    for path, name in functions + tests:
        file = ROOT / path
        if not file.is_file() or name not in _names(file):
            missing.append(f"{path}:{name}")
    assert not missing, "docs/RULES.md names what does not exist:\n" + "\n".join(missing)
