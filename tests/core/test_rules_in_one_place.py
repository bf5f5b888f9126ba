"""Each rule lives in one place: the settings' defaults come from the rules' constants, and the code
compares visit states through rules/visit_states.py, never as bare strings."""

from __future__ import annotations

import ast
from pathlib import Path

from warranty_desk.rules import sla, visit_states
from warranty_desk.rules.seasons import DEFAULT_COOLING, DEFAULT_RAINY_START
from warranty_desk.rules.visit_plan import PlanSettings
from warranty_desk.services import settings

ROOT = Path(__file__).resolve().parents[2]


def test_setting_defaults_are_the_rules_constants():
    assert settings.DEFAULTS["sla"] == sla.DEFAULT_SLA
    assert settings.DEFAULTS["sla"] is not sla.DEFAULT_SLA  # a setting changed in memory leaves the rule alone
    plan = PlanSettings()
    assert settings.DEFAULTS["visit_merge_days"] == plan.merge_days
    assert settings.DEFAULTS["seasonal_lead_days"] == plan.seasonal_lead_days


def test_a_region_without_seasons_gets_the_default_cooling_season(db):
    rules = settings.season_rules(None, has_heating=False)
    assert (rules.cooling.start, rules.cooling.end) == (DEFAULT_COOLING.start, DEFAULT_COOLING.end)
    assert rules.heating is None
    assert DEFAULT_RAINY_START == "06-01"


def _status_literals(path: Path) -> list[str]:
    """`x.status == "done"`, `status in ("planned", …)`, `x.status = "done"`, `status="done"`: a visit
    state written out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def names_status(node) -> bool:
        text = ast.unparse(node)
        return "status" in text

    def literals(node):
        return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and n.value in visit_states.STATES]

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(names_status(n) for n in [node.left, *node.comparators]):
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {v!r}" for v in literals(node)]
        if isinstance(node, ast.Assign) and any(names_status(t) for t in node.targets):
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {v!r}" for v in literals(node.value)]
        if isinstance(node, ast.keyword) and node.arg == "status":
            found += [f"{path.relative_to(ROOT)}:{node.value.lineno}: {v!r}" for v in literals(node.value)]
    return found


def test_visit_states_are_compared_through_the_constants():
    allowed = {ROOT / "warranty_desk" / "rules" / "visit_states.py"}
    files = [p for folder in ("warranty_desk", "ui") for p in (ROOT / folder).rglob("*.py")
             if p not in allowed and "migrations" not in p.parts]
    found = [hit for path in files for hit in _status_literals(path)]
    assert not found, "use rules/visit_states.py:\n" + "\n".join(found)
