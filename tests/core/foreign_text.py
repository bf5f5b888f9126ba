"""What in an English paper (or message) is still Chinese although it should not be.

An English document of a Chinese office prints the office's own data as the clerk typed it: names,
addresses, descriptions, opinions. Everything else — labels, the rules' words (periods, states,
item names), the program's sentences stored on records (a visit's purposes, a warranty decision),
punctuation — must be English. `office_data` collects exactly the strings the office typed (the
columns a clerk fills, and the program's values only where the office may type its own, such as a
finding's area); `foreign_cjk` lists every piece of Chinese text that is not part of one of them.
"""

from __future__ import annotations

import json
import re

# ideographs, CJK punctuation and full-width forms: "（", "：" or "、" in English text is a fault too
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")
# what may stand around a quoted value in English text
EDGES = " \t\"'()[]{}<>,.;:!?…—–-/·•*|“”‘’"

# the columns a clerk types (model name → fields)
TYPED = {
    "Client": ("name", "contact", "phone", "address"),
    "Staff": ("name", "phone"),  # a role: only one the office typed (below), not one of the program's list
    "Subcontractor": ("name", "trade", "contact", "phone"),
    "Project": ("code", "name", "contact", "phone", "address", "manager", "designer", "supervisor", "developer",
                "materials", "notes", "structure_type", "seismic_intensity", "power_load", "gas_supply", "telecom",
                "fire_safety", "insulation", "property_company", "property_phone"),
    "Unit": ("building", "entrance", "room", "owner_name", "owner_phone", "layout"),
    "Ticket": ("number", "reporter", "phone", "location", "description", "warranty_override_reason", "signoff_by",
               "signoff_note"),
    "Visit": ("visitor", "met_person", "opinion", "reschedule_reason"),
    "VisitFinding": ("description",),
    "TicketEvent": ("by",),
    "Payment": ("received_by", "note"),
    "Deposit": ("notes",),
    "DepositDeduction": ("reason",),
    "SafetyReport": ("marked_by", "reason", "measures", "authority", "sent_by", "sent_ref", "note"),
    "VisitPlanApproval": ("compiled_by", "reviewed_by", "approved_by"),
    "Region": ("name", "note"),
}
# the company's own settings
SETTINGS = ("company_name", "company_address", "hotline", "clerk_name", "company_fax", "company_postcode",
            "company_bank", "company_account", "company_website")


def office_data(extra=()) -> list[str]:
    """Every string the office typed into its database (plus `extra`, e.g. the operator's name)."""
    from warranty_desk import models
    from warranty_desk.i18n import said_parts
    from warranty_desk.rules.categories import CATEGORIES
    from warranty_desk.rules.scoring import TEXT
    from warranty_desk.rules.staff_roles import ROLES, role_key
    from warranty_desk.services import questionnaires, settings
    from warranty_desk.services.visit_records import FINDING_AREAS

    found: list[str] = [str(x) for x in extra]
    for model_name, fields in TYPED.items():
        model = getattr(models, model_name)
        columns = [getattr(model, f) for f in fields]
        for row in model.select(*columns).tuples():
            found += [str(v) for v in row if v]
    found += [unit.label for unit in models.Unit.select()]  # 1号楼-1单元-101: the typed parts joined
    # a role the office typed (not one of the program's list); a cost line's description the clerk
    # typed (not the program's own, stored as its template)
    found += [r for (r,) in models.Staff.select(models.Staff.role).tuples() if r and role_key(r) not in ROLES]
    found += [d for (d,) in models.CostLine.select(models.CostLine.description).tuples() if d and said_parts(d) is None]
    for name in SETTINGS:
        value = settings.get(name)
        if isinstance(value, str) and value:
            found.append(value)
    # an item the office named itself, an area it typed, a question it wrote, a free answer
    found += [name for key, name in models.WarrantyItem.select(models.WarrantyItem.key, models.WarrantyItem.name)
              .tuples() if key not in CATEGORIES]
    found += [a for (a,) in models.VisitFinding.select(models.VisitFinding.area).tuples() if a not in FINDING_AREAS]
    for question in models.Question.select():
        found += [t for t in (question.area, question.text) if questionnaires.shown(t) == t]
        if question.choices:
            found += [label for label, _score in json.loads(question.choices) if questionnaires.shown(label) == label]
    found += [v for (v,) in models.VisitAnswer.select(models.VisitAnswer.value).join(models.Question)
              .where(models.Question.kind == TEXT).tuples() if v]
    # a visit's own summary where the clerk wrote one (not the one the program makes of its findings)
    with_rows = {v for (v,) in models.VisitFinding.select(models.VisitFinding.visit).tuples()}
    found += [f for vid, f in models.Visit.select(models.Visit.id, models.Visit.findings).tuples()
              if f and vid not in with_rows and f.strip() not in _PROGRAM_SUMMARIES]
    return found


_PROGRAM_SUMMARIES = ("未发现问题",)


def _squash(text: str) -> str:
    # without white space and hyphens: a value may wrap onto the next line, and pdftotext joins a
    # word broken after a hyphen (1号楼-1单元- / 401 comes out as 1号楼-1单元401)
    return re.sub(r"[\s\-]+", "", text)


def foreign_cjk(text: str, data) -> list[str]:
    """The pieces of `text` (split at white space) that hold Chinese and are not part of a string
    in `data` (compared without white space: a value may wrap onto the next line)."""
    pool = "\x00".join(_squash(d) for d in data)
    found = []
    for token in text.split():
        if not CJK.search(token):
            continue
        core = token.strip(EDGES)
        # a value cut short with … on a card or a running head is still the value
        core = core.rstrip("…")
        if not core or _squash(core) not in pool:
            found.append(token)
    return found
