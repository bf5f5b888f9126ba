"""Projects and their clients: create, update, find. Field rules shared with the importer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import NamedTuple, TypedDict

from peewee import JOIN, fn

from warranty_desk.i18n import N_, _, join_list

from ..errors import ConflictError, NotFound, ValidationError
from ..models import Client, Project, Region, Unit, WarrantyItem, database_proxy, dicts, tuples
from ..rules.categories import (
    PROJECT_SCALES,
    PROJECT_TYPES,
    PUBLIC,
    project_type_key,
    project_type_name,
    scale_key,
    scale_name,
)
from . import audit, fields


@dataclass(frozen=True)
class FieldSpec:
    key: str
    header: str  # the Chinese column header / form label
    alias: str  # the English header also accepted
    parse: Callable
    required: bool = False


def _region_name(value, known: Collection[str] | None = None) -> str:
    """A region of the regions table (`known`: its names, read once by a caller checking many rows)."""
    name = fields.text(value)
    if name and not (name in known if known is not None else Region.select().where(Region.name == name).exists()):
        known = join_list(r.name for r in Region.select(Region.name).order_by(Region.id))
        raise ValueError(_("地区“{name}”不在地区表中（可选：{known}；可在 设置 中添加）").format(name=name, known=known))
    return name


PROJECT_FIELDS: list[FieldSpec] = [
    FieldSpec("code", N_(N_("工程编号")), "code", lambda v: fields.code(v, 40, _("工程编号")), True),
    FieldSpec("name", N_(N_("工程名称")), "name", lambda v: fields.text(v, 200, _("工程名称")), True),
    FieldSpec("client", N_(N_("建设单位")), "client", lambda v: fields.text(v, 200, _("建设单位"))),
    FieldSpec("contact", N_(N_("联系人")), "contact", lambda v: fields.text(v, 100, _("联系人"))),
    FieldSpec("phone", N_("联系电话"), "phone", fields.phone),
    FieldSpec("address", N_(N_("工程地址")), "address", lambda v: fields.text(v, 500, _("工程地址"))),
    FieldSpec("type", N_(N_("工程类型")), "type",
              lambda v: fields.keyed_choice(v, PROJECT_TYPES, project_type_key, project_type_name, _("工程类型")), True),
    FieldSpec("scale", N_(N_("工程规模")), "scale",
              lambda v: fields.keyed_choice(v, PROJECT_SCALES, scale_key, scale_name, _("工程规模")), True),
    FieldSpec("accepted_on", N_("竣工验收日期"), "accepted_on", fields.date),
    FieldSpec("handed_over_on", N_("交付日期"), "handed_over_on", fields.date),
    FieldSpec("contract_amount", N_("合同金额"), "contract_amount", fields.money),
    FieldSpec("design_life_years", N_("设计使用年限"), "design_life_years", lambda v: fields.integer(v, 5, 200)),
    FieldSpec("heating_region", N_("采暖地区"), "heating_region", _region_name),
    FieldSpec("manager", N_(N_("项目经理")), "manager", lambda v: fields.text(v, 60, _("项目经理"))),
]
HEADER_OF = {f.key: f.header for f in PROJECT_FIELDS}


def clean_project(raw: dict, regions: Collection[str] | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """Parse every field; return (clean values, [(field key, message)]). `regions`: the names of the
    regions table when the caller has read them (an import checking thousands of rows)."""
    clean: dict = {}
    problems: list[tuple[str, str]] = []
    for spec in PROJECT_FIELDS:
        value = raw.get(spec.key)
        try:
            if spec.key == "heating_region" and regions is not None:
                parsed = _region_name(value, regions)
            else:
                parsed = spec.parse(value)
        except ValueError as exc:
            problems.append((spec.key, str(exc)))
            continue
        if spec.required and parsed in (None, ""):
            problems.append((spec.key, _("{header}不能为空").format(header=spec.header)))
            continue
        clean[spec.key] = parsed
    accepted, handed = clean.get("accepted_on"), clean.get("handed_over_on")
    if accepted and handed and handed < accepted:
        problems.append(("handed_over_on", _("交付日期（{handed}）早于竣工验收日期（{accepted}），请核对").format(handed=handed, accepted=accepted)))
    if handed and not accepted:
        problems.append(("accepted_on", _("已填交付日期时，竣工验收日期不能为空")))
    if accepted and accepted > dt.date.today() + dt.timedelta(days=366):
        problems.append(("accepted_on", _("竣工验收日期（{accepted}）在一年以后，请核对").format(accepted=accepted)))
    return clean, problems


def _client_for(name: str, contact: str = "", phone: str = "", address: str = "",
                known: dict[str, Client] | None = None) -> Client | None:
    """The client of that name, added (audited) when new. `known`: clients already looked up by
    name in this transaction (an import of many projects), kept up to date here."""
    if not name:
        return None
    if known is not None and name in known:
        return known[name]
    client = Client.get_or_none(Client.name == name)
    if client is None:
        # two clerks (or two imports) adding the same new client at once: the second waits for the
        # first and then uses its row, instead of failing on the unique name
        created = (Client.insert(name=name, contact=contact, phone=phone, address=address)
                   .on_conflict_ignore().as_rowcount().execute())
        client = Client.get(Client.name == name)
        if created:
            audit.record("create", "client", client.id, None, audit.snapshot(client))
    if known is not None:
        known[name] = client
    return client


# optional free-text fields: kept when the form (or import) does not send them
MANUAL_FACTS = {"structure_type": N_("结构类型"), "seismic_intensity": N_("抗震设防烈度"), "power_load": N_("配电负荷"),
                "gas_supply": N_("燃气"), "telecom": N_("通讯"), "fire_safety": N_("消防设施"),
                "insulation": N_("外墙保温"), "property_company": N_("物业管理单位"), "property_phone": N_("物业电话")}
MANUAL_FACT_SIZES = {key: Project._meta.fields[key].max_length for key in MANUAL_FACTS}
EXTRA_TEXT = ("designer", "supervisor", "developer", "materials", "notes", *MANUAL_FACTS)


def _apply(project: Project, clean: dict, lookups: _Lookups | None = None) -> None:
    project.code = clean["code"]
    project.name = clean["name"]
    project.client = _client_for(clean.get("client", ""), clean.get("contact", ""), clean.get("phone", ""),
                                 known=lookups.clients if lookups else None)
    project.contact = clean.get("contact", "")
    project.phone = clean.get("phone", "")
    project.address = clean.get("address", "")
    project.type = clean["type"]
    project.scale = clean["scale"]
    project.accepted_on = clean.get("accepted_on")
    project.handed_over_on = clean.get("handed_over_on")
    project.contract_amount = clean.get("contract_amount")
    project.design_life_years = clean.get("design_life_years") or 50
    region_name = clean.get("heating_region")
    if not region_name:
        project.region = None
    elif lookups is not None:
        project.region = lookups.region(region_name)
    else:
        project.region = Region.get(Region.name == region_name)
    project.manager = clean.get("manager", "")
    if project.has_heating is None or "has_heating" in clean:
        project.has_heating = clean.get("has_heating")
    if "has_cooling" in clean:
        project.has_cooling = bool(clean["has_cooling"])
    elif project.id is None:
        project.has_cooling = project.type == PUBLIC
    for extra in (*EXTRA_TEXT, "settled_amount"):
        if extra in clean:
            setattr(project, extra, clean[extra])


def _raise_first(problems):
    if problems:
        key, message = problems[0]
        raise ValidationError(message, field=key)


def _extra(raw: dict, clean: dict) -> None:
    for key in EXTRA_TEXT:
        if key in raw:
            clean[key] = fields.text(raw[key])
    problems = [(key, _("{label}太长（{n}字），最多{max_length}字，请删减").format(
                    label=_(MANUAL_FACTS[key]), n=len(clean[key]), max_length=MANUAL_FACT_SIZES[key]))
                for key in MANUAL_FACTS if key in clean and len(clean[key]) > MANUAL_FACT_SIZES[key]]
    _raise_first(problems)
    for key in ("has_heating", "has_cooling"):
        if key in raw:
            clean[key] = raw[key]
    if "settled_amount" in raw:
        clean["settled_amount"] = fields.checked(fields.money, raw["settled_amount"], _("结算金额"), "settled_amount")


def create_project(raw: dict) -> Project:
    clean, problems = clean_project(raw)
    _raise_first(problems)
    _extra(raw, clean)
    with database_proxy.atomic():
        if Project.select().where(Project.code == clean["code"]).exists():
            raise ValidationError(_("工程编号“{code}”已存在，请换一个编号").format(code=clean["code"]), field="code")
        return insert_project(clean)


def insert_project(clean: dict) -> Project:
    """Save values already checked by `clean_project` (whose code is known to be free); audited.
    The importer calls this directly so that a sheet is not checked twice."""
    project = Project()
    _apply(project, clean)
    project.save()
    audit.record("create", "project", project.id, None, audit.snapshot(project))
    return project


class _Lookups:
    """Clients and regions by name, each read once while many projects are saved."""

    def __init__(self):
        self.clients: dict[str, Client] = {}
        self.regions: dict[str, Region] = {}

    def region(self, name: str) -> Region:
        if name not in self.regions:
            self.regions[name] = Region.get(Region.name == name)
        return self.regions[name]


def insert_projects(cleans: list[dict]) -> list[Project]:
    """`insert_project` for many projects (an import): the same values and audit rows, the projects
    written with one INSERT per batch. The codes are known to be free and distinct."""
    from .importing import BATCH, bulk_insert

    lookups = _Lookups()
    made: list[Project] = []
    with database_proxy.atomic():
        for start in range(0, len(cleans), BATCH):
            batch = []
            for clean in cleans[start:start + BATCH]:
                project = Project()
                _apply(project, clean, lookups)
                batch.append(project)
            rows = [dict(project.__data__) for project in batch]
            keys = set().union(*rows)  # an optional column one row set: the others' default
            defaults = {k: Project._meta.fields[k].default for k in keys}
            bulk_insert(Project, [{k: row[k] if k in row else (defaults[k]() if callable(defaults[k]) else defaults[k])
                                   for k in keys} for row in rows])
            ids: dict[str, int] = dict(tuples(Project.select(Project.code, Project.id).where(
                Project.code.in_([project.code for project in batch]))))
            for project in batch:
                project.id = ids[project.code]
            audit.record_many([("create", "project", project.id, None, audit.snapshot(project), "")
                               for project in batch])
            made.extend(batch)
    return made


def update_project(project_id: int, raw: dict, expected_version: int) -> Project:
    clean, problems = clean_project(raw)
    _raise_first(problems)
    _extra(raw, clean)
    with database_proxy.atomic():
        project = find_project(project_id)
        if project.version != expected_version:
            raise ConflictError()
        clash = Project.select().where((Project.code == clean["code"]) & (Project.id != project_id)).exists()
        if clash:
            raise ValidationError(_("工程编号“{code}”已存在，请换一个编号").format(code=clean["code"]), field="code")
        old = audit.snapshot(project)
        _apply(project, clean)
        project.version = expected_version + 1
        updated = (
            Project.update(**{k: v for k, v in audit.snapshot(project).items() if k != "id"})
            .where((Project.id == project_id) & (Project.version == expected_version))
            .execute()
        )
        if updated != 1:
            raise ConflictError()
        before, after = audit.changed(old, audit.snapshot(project))
        audit.record("update", "project", project_id, before, after)
    return project


def find_project(ref) -> Project:
    """A project from an instance, an id or a project code: the one way to look a project up, with the
    one message when there is none."""
    if isinstance(ref, Project):
        return ref
    if isinstance(ref, int):
        project = Project.get_or_none(Project.id == ref)
    else:
        project = Project.get_or_none(Project.code == fields.code(ref))
    if project is None:
        raise NotFound(_("找不到工程“{code}”").format(code=ref), field="project")
    return project


def project_has_heating(project: Project) -> bool:
    if project.has_heating is not None:
        return bool(project.has_heating)
    return bool(project.region and project.region.heating_start)


def count_projects() -> int:
    return Project.select(fn.COUNT(Project.id)).scalar()


# --- what the window reads ---------------------------------------------------------------------

class ProjectRef(NamedTuple):
    """A project as a picker lists it."""

    id: int
    code: str
    name: str


def project_choices() -> list[ProjectRef]:
    """Every project as (id, code, name), by code: the project pickers and filters."""
    query = Project.select(Project.id, Project.code, Project.name).order_by(Project.code)
    return [ProjectRef(*row) for row in tuples(query)]


class ProjectRow(TypedDict):
    """A project as the project list shows it."""

    id: int
    code: str
    name: str
    type: str
    scale: str
    accepted_on: dt.date | None
    handed_over_on: dt.date | None
    manager: str
    region: str | None
    last_end: dt.date | None  # the last day any of its items is covered; None before handover
    warranty: str  # 保修期内 / 已过保修期 / 未交付, in the active language


def project_rows(today: dt.date) -> list[ProjectRow]:
    """Every project with its region and the last day any of its items is covered (the project list)."""
    last_end = fn.MAX(WarrantyItem.end_on).alias("last_end")
    query = (
        Project.select(Project.id, Project.code, Project.name, Project.type, Project.scale, Project.accepted_on,
                       Project.handed_over_on, Project.manager, Region.name.alias("region"), last_end)
        .join(Region, JOIN.LEFT_OUTER)
        .switch(Project)
        .join(WarrantyItem, JOIN.LEFT_OUTER)
        .group_by(Project.id, Region.name)
        .order_by(Project.code)
    )
    rows: list[ProjectRow] = []
    for row in dicts(query):
        end = row["last_end"]
        if isinstance(end, str):
            end = dt.date.fromisoformat(end)
        if end is None:
            warranty = _("未交付")
        elif end >= today:
            warranty = _("保修期内")
        else:
            warranty = _("已过保修期")
        rows.append(ProjectRow(id=row["id"], code=row["code"], name=row["name"], type=row["type"], scale=row["scale"],
                               accepted_on=row["accepted_on"], handed_over_on=row["handed_over_on"],
                               manager=row["manager"], region=row["region"], last_end=end, warranty=warranty))
    return rows


class ProjectForm(TypedDict):
    """The project form's fields of a project (text as the form shows it; dates as dates)."""

    code: str
    name: str
    type: str
    scale: str
    client: str
    contact: str
    phone: str
    address: str
    heating_region: str
    has_cooling: bool
    accepted_on: dt.date | None
    handed_over_on: dt.date | None
    contract_amount: str
    design_life_years: str
    manager: str
    developer: str
    designer: str
    supervisor: str
    notes: str
    # MANUAL_FACTS, the 用户手册's facts
    structure_type: str
    seismic_intensity: str
    power_load: str
    gas_supply: str
    telecom: str
    fire_safety: str
    insulation: str
    property_company: str
    property_phone: str


@dataclass(frozen=True)
class ProjectView:
    """One project as its page shows it: the dates and numbers the page needs, and the form's values."""

    id: int
    code: str
    name: str
    version: int
    accepted_on: dt.date | None
    handed_over_on: dt.date | None
    design_life_years: int | None
    values: ProjectForm


def form_values(project: Project) -> ProjectForm:
    """The project form's fields of a project."""
    return {
        "code": project.code, "name": project.name, "type": project.type, "scale": project.scale,
        "client": project.client.name if project.client else "", "contact": project.contact,
        "phone": project.phone, "address": project.address,
        "heating_region": project.region.name if project.region else "",
        "has_cooling": bool(project.has_cooling),
        "accepted_on": project.accepted_on, "handed_over_on": project.handed_over_on,
        "contract_amount": "" if project.contract_amount is None else str(project.contract_amount),
        "design_life_years": str(project.design_life_years or ""), "manager": project.manager,
        "developer": project.developer, "designer": project.designer, "supervisor": project.supervisor,
        "notes": project.notes,
        "structure_type": project.structure_type, "seismic_intensity": project.seismic_intensity,
        "power_load": project.power_load, "gas_supply": project.gas_supply, "telecom": project.telecom,
        "fire_safety": project.fire_safety, "insulation": project.insulation,
        "property_company": project.property_company, "property_phone": project.property_phone,
    }


def project_view(ref) -> ProjectView:
    """A project (id, code or instance) as its page shows it; NotFound when it is gone."""
    project = find_project(ref)
    return ProjectView(project.id, project.code, project.name, project.version, project.accepted_on,
                       project.handed_over_on, project.design_life_years, form_values(project))


class UnitRef(NamedTuple):
    """A unit as the intake form's 房号 picker lists it, with the owner to prefill."""

    id: int
    label: str
    owner_name: str
    owner_phone: str


def units_of(project_id: int) -> list[Unit]:
    """A project's units (楼栋-单元-房号 order)."""
    return list(Unit.select().where(Unit.project == project_id).order_by(Unit.building, Unit.entrance, Unit.room))


def unit_choices(project_id: int) -> list[UnitRef]:
    return [UnitRef(u.id, u.label, u.owner_name, u.owner_phone) for u in units_of(project_id)]
