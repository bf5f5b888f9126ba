"""docs/ARCHITECTURE.md, the newcomer's map, cannot go stale: every file it links and every function
it names exists, and every section of the team's RULES.md has its row."""

from __future__ import annotations

import re
from pathlib import Path

from test_rules_doc import _names

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "ARCHITECTURE.md"
FUNCTION = re.compile(r"`((?:warranty_desk|ui|tests)/[\w/]+\.py):(\w+)`")
LINK = re.compile(r"\]\(([^)#]+)\)")
TEST_NAME = re.compile(r"`(test_\w+)` in \[`(tests/[\w/]+\.py)`\]")


def test_every_link_and_function_exists():
    text = DOC.read_text(encoding="utf-8")
    links = LINK.findall(text)
    functions = FUNCTION.findall(text) + [(path, name) for name, path in TEST_NAME.findall(text)]
    assert len(links) > 20 and len(functions) > 25
    missing = [link for link in links if not (DOC.parent / link).resolve().exists()]
    missing += [f"{path}:{name}" for path, name in functions
                if not (ROOT / path).is_file() or name not in _names(ROOT / path)]
    assert not missing, "docs/ARCHITECTURE.md names what does not exist:\n" + "\n".join(missing)


def test_every_rules_section_has_its_function():
    text = DOC.read_text(encoding="utf-8")
    for section in ("| §2 ", "| §2.1 ", "| §2.2 ", "| §3 ", "| §4 ", "| §5 ", "| §6 ", "| §7 ", "| §8 "):
        assert section in text, section
