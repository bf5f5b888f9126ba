"""Read-only queries the documents share: the project with its items, the company, the SLA."""

from __future__ import annotations

from dataclasses import dataclass

from warranty_desk.i18n import N_, _, format_number, join_list

from ..models import Deposit, Project, Unit, WarrantyItem
from ..rules import categories as cat
from ..rules import deposit as deposit_rules
from ..rules import sla as sla_rules
from ..services import settings
from ..services.projects import MANUAL_FACTS
from .style import fmt_date, hours_text

_ORDER = {key: i for i, key in enumerate(cat.CATEGORIES)}




def items_of(project: Project) -> list[WarrantyItem]:
    rows = list(WarrantyItem.select().where(WarrantyItem.project == project))
    return sorted(rows, key=lambda i: (_ORDER.get(i.key, 99), i.id))


def units_of(project: Project) -> list[Unit]:
    rows = list(Unit.select().where(Unit.project == project))

    def natural(u: Unit):
        def part(s):
            return (0, int(s), "") if s.isdigit() else (1, 0, s)

        return tuple(part(x or "") for x in (u.building, u.entrance, u.room))

    return sorted(rows, key=natural)


def deposit_of(project: Project) -> Deposit | None:
    return Deposit.get_or_none(Deposit.project == project)


def period_text(unit: str, amount: int) -> str:
    return cat.period_text(unit, amount)


def item_name(item: WarrantyItem) -> str:
    """The item's name on the paper: the category's in the paper's language, or the name the office
    gave it."""
    return cat.category_name(item.key, item.name)


def item_minimum_text(item: WarrantyItem, project: Project) -> str:
    if item.key in cat.CATEGORIES:
        return cat.minimum_text(item.key, project.design_life_years)
    if item.minimum_unit and item.minimum_amount:
        return cat.period_text(item.minimum_unit, item.minimum_amount)
    return _("由双方约定")


def item_agreed_text(item: WarrantyItem) -> str:
    return cat.period_text(item.agreed_unit, item.agreed_amount)


@dataclass(frozen=True)
class Company:
    name: str
    address: str
    hotline: str
    clerk: str
    fax: str = ""
    postcode: str = ""
    bank: str = ""
    account: str = ""
    website: str = ""


def company() -> Company:
    values = settings.get_all()
    return Company(
        name=values.get("company_name") or "",
        address=values.get("company_address") or "",
        hotline=values.get("hotline") or "",
        clerk=values.get("clerk_name") or "",
        fax=values.get("company_fax") or "",
        postcode=values.get("company_postcode") or "",
        bank=values.get("company_bank") or "",
        account=values.get("company_account") or "",
        website=values.get("company_website") or "",
    )


def sla() -> dict:
    return settings.get("sla") or sla_rules.DEFAULT_SLA


def sla_values() -> dict:
    """Placeholders for texts: emergency_respond, emergency_onsite, emergency_complete, normal_…"""
    rules = sla()
    out = {}
    for urgency, prefix in ((sla_rules.URGENT, "emergency"), (sla_rules.NORMAL, "normal")):
        hours = rules.get(urgency) or sla_rules.DEFAULT_SLA[urgency]
        out[f"{prefix}_respond"] = hours_text(hours["respond_hours"])
        out[f"{prefix}_onsite"] = hours_text(hours["onsite_hours"])
        out[f"{prefix}_complete"] = hours_text(hours["complete_hours"])
    return out


# the project types as the keys the document texts test with `@if` (resources/texts/README.md)
RESIDENTIAL_ESTATE_WORKS = N_("住宅小区内的给排水设施、道路等配套工程")


def project_facts(project: Project, unit: Unit | None = None) -> frozenset[str]:
    """What the `@if` lines of the document texts test: the project's type (residential, public,
    industrial, municipal, decoration), `building` (a house building: every type but municipal),
    `item:<key>` for each warranty item it has, `deposit` / `bank_guarantee`, `unit` (printed
    for one unit), and what is known of the building: `gas`, `telecom`, `fire_safety`,
    `insulation`, `power_load`, `property`."""
    kind = cat.project_type_key(project.type)
    facts = {kind if kind in cat.PROJECT_TYPES else "other"}
    if kind != cat.MUNICIPAL:
        facts.add("building")
    items = items_of(project)
    facts.update(f"item:{item.key}" for item in items)
    if items:
        facts.add("handed_over")
    deposit = deposit_of(project)
    if deposit is not None:
        facts.add("deposit")
        if deposit.bank_guarantee:
            facts.add("bank_guarantee")
    if unit is not None:
        facts.add("unit")
    # what the manual knows about the building: a part about gas only where there is gas, …
    for fact, column in (("gas", "gas_supply"), ("telecom", "telecom"), ("fire_safety", "fire_safety"),
                         ("insulation", "insulation"), ("power_load", "power_load"),
                         ("property", "property_company")):
        if (getattr(project, column) or "").strip():
            facts.add(fact)
    return frozenset(facts)


def scope_text(project: Project) -> str:
    """The warranty scope of this project: its own items (and, for housing, the estate's
    infrastructure the model text names), e.g. 装修工程、电气管线、给排水管道."""
    names = [item_name(item) for item in items_of(project) if item.key != "other"]
    if cat.is_residential(project.type) and not any("配套" in item.name for item in items_of(project)):  # i18n: data
        names.append(_(RESIDENTIAL_ESTATE_WORKS))
    return join_list(names)


def deposit_ratio(deposit: Deposit, project: Project) -> str:
    """The deposit as a share of the settled price: 3%, 2.5% ("" when the price is unknown)."""
    base = deposit.settled_price or deposit_rules.settled_price(project.settled_amount, project.contract_amount)
    if not base:
        return ""
    share = float(deposit.amount) / float(base) * 100
    return f"{share:.0f}%" if abs(share - round(share)) < 0.005 else f"{share:.2f}".rstrip("0").rstrip(".") + "%"


def project_values(project: Project) -> dict:
    """Placeholders every document text may use."""
    comp = company()
    deposit = deposit_of(project)
    values = {
        "project_name": project.name,
        "project_code": project.code,
        "project_address": project.address,
        "project_type": cat.project_type_name(project.type),
        "client": project.client.name if project.client else "",
        "client_contact": project.contact,
        "client_phone": project.phone,
        "developer": project.developer or (project.client.name if project.client else ""),
        "designer": project.designer,
        "supervisor": project.supervisor,
        "manager": project.manager,
        "company": comp.name,
        "company_address": comp.address,
        "hotline": comp.hotline,
        "accepted_on": fmt_date(project.accepted_on),
        "handed_over_on": fmt_date(project.handed_over_on),
        "design_life": f"{project.design_life_years}",
        "defect_months": str(deposit.defect_months) if deposit else "",
        "deposit_amount": format_number(deposit.amount, 2) if deposit else "",
        "deposit_ratio": deposit_ratio(deposit, project) if deposit else "",
        "settled_price": format_number(deposit.settled_price, 2) if deposit and deposit.settled_price else "",
        "scope": scope_text(project),
        **{key: getattr(project, key) for key in MANUAL_FACTS},
    }
    values.update(sla_values())
    return values
