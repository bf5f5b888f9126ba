"""Every table of Warranty Desk, in one file.

The database is bound once, at run time, through `database_proxy` (peewee's deferred
initialisation), so the same models serve SQLite and PostgreSQL.
Tables whose rows a clerk edits carry a `version` column for optimistic locking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    DeferredForeignKey,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    ModelSelect,
    TextField,
)

from .op_changes import TrackingProxy
from .rules import ticket_states, visit_states
from .rules.seasons import DEFAULT_COOLING, DEFAULT_RAINY_START

# the database, bound at run time; it notes every write for the change reports (op_changes.py)
database_proxy = TrackingProxy()


def tuples(query) -> Iterator[tuple[Any, ...]]:
    """A query's rows as plain tuples (peewee's type stubs call every row of a model query a model
    instance; this says what `.tuples()` gives)."""
    return iter(query.tuples())


def dicts(query) -> Iterator[dict[str, Any]]:
    """A query's rows as dicts (see `tuples`)."""
    return iter(query.dicts())


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def Money(**kw):  # noqa: N802 - reads like a field type
    return DecimalField(max_digits=16, decimal_places=2, auto_round=True, **kw)


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False

    if TYPE_CHECKING:  # peewee adds this primary key to every model that declares none
        id: AutoField

    def save(self, *args, **kwargs):
        with database_proxy.saving(self):
            return super().save(*args, **kwargs)


class SchemaVersion(BaseModel):
    version = IntegerField()
    applied_at = DateTimeField(default=_now)


class Setting(BaseModel):
    """Company settings as key → JSON value (name, hotline, SLA defaults, conventions…)."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Region(BaseModel):
    """A city or region with its heating, cooling and rainy season dates (MM-DD), editable."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        projects: ModelSelect[Project]  # Project.region

    name = CharField(unique=True, max_length=40)
    heating_start = CharField(max_length=5, null=True)  # None: no district heating
    heating_end = CharField(max_length=5, null=True)
    cooling_start = CharField(max_length=5, default=DEFAULT_COOLING.start)
    cooling_end = CharField(max_length=5, default=DEFAULT_COOLING.end)
    rainy_start = CharField(max_length=5, default=DEFAULT_RAINY_START)
    note = TextField(default="")


class Client(BaseModel):
    """建设单位 / 发包人."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        projects: ModelSelect[Project]  # Project.client

    name = CharField(unique=True, max_length=200)
    contact = CharField(max_length=100, default="")
    phone = CharField(max_length=40, default="")
    address = TextField(default="")
    version = IntegerField(default=1)


class Staff(BaseModel):
    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        tickets: ModelSelect[Ticket]  # Ticket.assignee
        visits: ModelSelect[Visit]  # Visit.staff
        phones: ModelSelect[PhoneDevice]  # PhoneDevice.staff
        pairing_codes: ModelSelect[PairingCode]  # PairingCode.staff

    name = CharField(max_length=60)
    phone = CharField(max_length=40, default="")
    role = CharField(max_length=60, default="")  # rules/staff_roles.py: a key, or what the clerk typed
    active = BooleanField(default=True)
    version = IntegerField(default=1)


class Subcontractor(BaseModel):
    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        items: ModelSelect[WarrantyItem]  # WarrantyItem.subcontractor
        tickets: ModelSelect[Ticket]  # Ticket.subcontractor

    name = CharField(unique=True, max_length=200)
    trade = CharField(max_length=100, default="")  # e.g. 防水, 水电, 门窗
    contact = CharField(max_length=100, default="")
    phone = CharField(max_length=40, default="")
    active = BooleanField(default=True)
    version = IntegerField(default=1)


class Project(BaseModel):
    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        client_id: int | None
        region_id: int | None
        units: ModelSelect[Unit]  # Unit.project
        items: ModelSelect[WarrantyItem]  # WarrantyItem.project
        tickets: ModelSelect[Ticket]  # Ticket.project
        visits: ModelSelect[Visit]  # Visit.project
        deposit_rows: ModelSelect[Deposit]  # Deposit.project

    code = CharField(unique=True, max_length=40)
    name = CharField(max_length=200, index=True)
    client = ForeignKeyField(Client, null=True, backref="projects")
    contact = CharField(max_length=100, default="")
    phone = CharField(max_length=40, default="", index=True)
    address = TextField(default="")
    type = CharField(max_length=20)  # rules/categories.py: residential / public / industrial / municipal / decoration
    scale = CharField(max_length=10)  # rules/categories.py: small / medium / large
    region = ForeignKeyField(Region, null=True, backref="projects")
    has_heating = BooleanField(null=True)  # None: follow the region
    has_cooling = BooleanField(default=False)
    accepted_on = DateField(null=True)  # 竣工验收合格之日
    handed_over_on = DateField(null=True)  # 交付之日
    contract_amount = Money(null=True)
    settled_amount = Money(null=True)
    design_life_years = IntegerField(default=50)
    manager = CharField(max_length=60, default="")
    designer = CharField(max_length=200, default="")
    supervisor = CharField(max_length=200, default="")  # 监理
    developer = CharField(max_length=200, default="")
    materials = TextField(default="")  # 主要材料设备清单, one per line
    notes = TextField(default="")
    # what the 住宅使用说明书 states (schema step 5); free text as typed, "" = not known
    structure_type = CharField(max_length=100, default="")  # 结构类型, e.g. 框架-剪力墙结构
    seismic_intensity = CharField(max_length=40, default="")  # 抗震设防烈度, e.g. 7度（0.10g）
    power_load = CharField(max_length=100, default="")  # 配电负荷, e.g. 每户8千瓦
    gas_supply = CharField(max_length=200, default="")  # 燃气; "" = no gas (or not known)
    telecom = CharField(max_length=200, default="")  # 通讯
    fire_safety = CharField(max_length=300, default="")  # 消防设施
    insulation = CharField(max_length=200, default="")  # 外墙保温, e.g. 外墙外保温 岩棉板80毫米
    property_company = CharField(max_length=200, default="")  # 物业管理单位
    property_phone = CharField(max_length=40, default="")
    created_at = DateTimeField(default=_now)
    version = IntegerField(default=1)


class Unit(BaseModel):
    """A residential unit (楼栋-单元-房号) with its owner."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        project_id: int
        tickets: ModelSelect[Ticket]  # Ticket.unit
        visits: ModelSelect[Visit]  # Visit.unit

    project = ForeignKeyField(Project, backref="units", on_delete="CASCADE")
    building = CharField(max_length=20)
    entrance = CharField(max_length=20, default="")
    room = CharField(max_length=20, index=True)  # indexed for a room typed as 1-2-301 (schema step 8)
    owner_name = CharField(max_length=100, default="", index=True)  # indexed for the global search
    owner_phone = CharField(max_length=40, default="", index=True)
    # the phone's digits only, for "any part of a phone number": kept by database triggers (schema
    # step 8) whatever writes the row; the program never sets it
    phone_digits = CharField(max_length=40, default="", index=True)
    handed_over_on = DateField(null=True)
    layout = CharField(max_length=40, default="")  # 户型, e.g. 三室两厅一卫 (schema step 5)
    area = DecimalField(max_digits=10, decimal_places=2, null=True)  # 建筑面积, m²
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("project", "building", "entrance", "room"), True),)

    @property
    def label(self) -> str:
        parts = [self.building, self.entrance, self.room]
        return "-".join(p for p in parts if p)


class WarrantyItem(BaseModel):
    """One 保修项目 of a project: statutory minimum beside the agreed period, and its dates."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        project_id: int
        subcontractor_id: int | None

    project = ForeignKeyField(Project, backref="items", on_delete="CASCADE")
    key = CharField(max_length=40)
    name = CharField(max_length=100)
    minimum_unit = CharField(max_length=20, null=True)  # years / heating_seasons / cooling_seasons
    minimum_amount = IntegerField(null=True)
    agreed_unit = CharField(max_length=20)  # years / months / heating_seasons / cooling_seasons
    agreed_amount = IntegerField()
    start_on = DateField()
    end_on = DateField()
    subcontractor = ForeignKeyField(Subcontractor, null=True, backref="items")
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("project", "key"), True),)


class Attachment(BaseModel):
    """A file stored in the data folder by its content hash (photos, scans, signatures)."""

    sha256 = CharField(max_length=64, index=True)
    filename = CharField(max_length=255)
    mime = CharField(max_length=100, default="")
    size = IntegerField()
    owner_table = CharField(max_length=40)
    owner_id = IntegerField()
    kind = CharField(max_length=20, default="photo")  # photo / scan / signature / file
    created_at = DateTimeField(default=_now)
    created_by = CharField(max_length=100, default="")

    class Meta:
        indexes = ((("owner_table", "owner_id"), False),)


class BytesField(BlobField):
    """A BLOB/BYTEA column read as `bytes` on every database (psycopg2 gives memoryview objects)."""

    def python_value(self, value):
        return bytes(value) if value is not None else None


class AttachmentBlob(BaseModel):
    """The bytes of an attachment file, once per content hash, kept in the database itself so every
    clerk's PC on a shared PostgreSQL server can read them (the data folder is only a local cache)."""

    sha256 = CharField(primary_key=True, max_length=64)
    size = IntegerField()
    data = BytesField()


class QuestionnaireTemplate(BaseModel):
    """A versioned 回访问卷; a change makes a new version so old answers keep their meaning."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        questions: ModelSelect[Question]  # Question.template
        visits: ModelSelect[Visit]  # Visit.template

    family = CharField(max_length=60)
    version_no = IntegerField(default=1)
    name = CharField(max_length=200)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=_now)

    class Meta:
        indexes = ((("family", "version_no"), True),)


class Question(BaseModel):
    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        template_id: int
        answers: ModelSelect[VisitAnswer]  # VisitAnswer.question

    template = ForeignKeyField(QuestionnaireTemplate, backref="questions", on_delete="CASCADE")
    position = IntegerField()
    area = CharField(max_length=40)  # 工程质量 / 使用功能 / 维修及时性 / 服务态度 / 沟通 / 意见和建议
    text = TextField()
    kind = CharField(max_length=10)  # scale / yesno / choice / text
    weight = FloatField(default=1.0)
    choices = TextField(default="")  # JSON list of [label, score 0-100] for kind=choice


class Ticket(BaseModel):
    """维修工单: a repair request from intake to the owner's sign-off."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        project_id: int
        unit_id: int | None
        repeat_of_id: int | None
        assignee_id: int | None
        subcontractor_id: int | None
        source_visit_id: int | None
        repeats: ModelSelect[Ticket]  # Ticket.repeat_of
        followup_visits: ModelSelect[Visit]  # Visit.ticket
        from_findings: ModelSelect[VisitFinding]  # VisitFinding.ticket
        events: ModelSelect[TicketEvent]  # TicketEvent.ticket
        cost_lines: ModelSelect[CostLine]  # CostLine.ticket
        payments: ModelSelect[Payment]  # Payment.ticket
        deductions: ModelSelect[DepositDeduction]  # DepositDeduction.ticket

    number = CharField(unique=True, max_length=20)  # BX-2026-0042
    project = ForeignKeyField(Project, backref="tickets")
    unit = ForeignKeyField(Unit, null=True, backref="tickets")
    reporter = CharField(max_length=100, default="", index=True)  # a caller's name (schema step 8)
    phone = CharField(max_length=40, default="", index=True)
    phone_digits = CharField(max_length=40, default="", index=True)  # kept by database triggers, as Unit's
    channel = CharField(max_length=20, default="phone")  # services/tickets: phone / letter / walk_in / visit_finding
    location = CharField(max_length=200, default="")
    category = CharField(max_length=40)  # a WarrantyItem key
    description = TextField()
    urgency = CharField(max_length=10, default="normal")  # rules/sla.py: urgent / normal
    reported_at = DateTimeField(index=True)
    state = CharField(max_length=20, default=ticket_states.RECEIVED, index=True)
    in_warranty = BooleanField(default=True)
    warranty_reason = TextField(default="")
    warranty_override_reason = TextField(default="")
    repeat_of = ForeignKeyField("self", null=True, backref="repeats")
    source_visit = DeferredForeignKey("Visit", null=True, backref="tickets_found")
    assignee = ForeignKeyField(Staff, null=True, backref="tickets")
    subcontractor = ForeignKeyField(Subcontractor, null=True, backref="tickets")
    respond_due = DateTimeField(null=True)
    onsite_due = DateTimeField(null=True)
    complete_due = DateTimeField(null=True)
    responded_at = DateTimeField(null=True)
    onsite_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    cause_class = CharField(max_length=20, default="")
    payer = CharField(max_length=20, default="")  # rules/responsibility.py: us / subcontractor / owner / separate
    quote_amount = Money(null=True)
    quote_accepted = BooleanField(null=True)
    signoff_kind = CharField(max_length=10, default="")  # screen / paper / refused
    signoff_by = CharField(max_length=100, default="")
    signoff_at = DateTimeField(null=True)
    signoff_note = TextField(default="")
    satisfaction = IntegerField(null=True)
    created_at = DateTimeField(default=_now)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("project", "unit", "category"), False),)


class Visit(BaseModel):
    """回访: planned by the rules, then recorded (done / 未联系上 / missed)."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        project_id: int
        unit_id: int | None
        staff_id: int | None
        template_id: int | None
        ticket_id: int | None
        retry_of_id: int | None
        retries: ModelSelect[Visit]  # Visit.retry_of
        tickets_found: ModelSelect[Ticket]  # Ticket.source_visit
        finding_rows: ModelSelect[VisitFinding]  # VisitFinding.visit
        answers: ModelSelect[VisitAnswer]  # VisitAnswer.visit

    project = ForeignKeyField(Project, backref="visits", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, null=True, backref="visits")
    planned_on = DateField(index=True)
    kind = CharField(max_length=20)  # periodic / milestone / seasonal / after_repair / after_warranty
    purposes = TextField(default="")  # one per line: a program's as its code and parameters (rules/visit_purposes.py)
    method = CharField(max_length=20, default="phone")  # rules/visit_methods.py: phone / sms / email / onsite / questionnaire
    staff = ForeignKeyField(Staff, null=True, backref="visits")
    status = CharField(max_length=12, default=visit_states.PLANNED, index=True)  # rules/visit_states.py
    done_at = DateTimeField(null=True)
    visitor = CharField(max_length=100, default="")
    met_person = CharField(max_length=100, default="")
    findings = TextField(default="")
    opinion = TextField(default="")
    template = ForeignKeyField(QuestionnaireTemplate, null=True, backref="visits")
    score = FloatField(null=True)
    grade = CharField(max_length=20, default="")  # rules/satisfaction.py: satisfied … dissatisfied (schema step 13)
    ticket = ForeignKeyField(Ticket, null=True, backref="followup_visits")  # after-repair visits
    retry_of = ForeignKeyField("self", null=True, backref="retries")
    original_planned_on = DateField(null=True)  # set when rescheduled
    reschedule_reason = TextField(default="")
    created_at = DateTimeField(default=_now)
    version = IntegerField(default=1)


class VisitFinding(BaseModel):
    """A problem found on a visit, per area; may become a ticket."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        visit_id: int
        ticket_id: int | None

    visit = ForeignKeyField(Visit, backref="finding_rows", on_delete="CASCADE")
    area = CharField(max_length=40)  # rules/finding_areas.py: a key, or what the clerk typed
    description = TextField()
    category = CharField(max_length=40, default="")  # a WarrantyItem key when known (for the ticket)
    ticket = ForeignKeyField(Ticket, null=True, backref="from_findings")


class VisitAnswer(BaseModel):
    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        visit_id: int
        question_id: int

    visit = ForeignKeyField(Visit, backref="answers", on_delete="CASCADE")
    question = ForeignKeyField(Question, backref="answers")
    value = TextField(default="")
    score = FloatField(null=True)  # 0–100, None for free text


class VisitPlanApproval(BaseModel):
    """年度回访计划 sign-off: 编制 / 审核 / 审批."""

    year = IntegerField(unique=True)
    compiled_by = CharField(max_length=60, default="")
    compiled_on = DateField(null=True)
    reviewed_by = CharField(max_length=60, default="")
    reviewed_on = DateField(null=True)
    approved_by = CharField(max_length=60, default="")
    approved_on = DateField(null=True)


class TicketEvent(BaseModel):
    """Every state change of a ticket: who, when, why."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        ticket_id: int

    ticket = ForeignKeyField(Ticket, backref="events")
    from_state = CharField(max_length=20, default="")
    to_state = CharField(max_length=20)
    at = DateTimeField(default=_now)
    by = CharField(max_length=100, default="")
    reason = TextField(default="")


class CostLine(BaseModel):
    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        ticket_id: int

    ticket = ForeignKeyField(Ticket, backref="cost_lines")
    kind = CharField(max_length=10)  # services/tickets: labour / material / other
    description = CharField(max_length=200)
    quantity = DecimalField(max_digits=12, decimal_places=3, default=1)
    unit_price = Money(default=0)
    amount = Money()
    borne_by = CharField(max_length=20)  # rules/responsibility.py: us / subcontractor / owner


class Payment(BaseModel):
    """Money received from an owner for a paid repair."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        ticket_id: int

    ticket = ForeignKeyField(Ticket, backref="payments")
    amount = Money()
    received_on = DateField()
    received_by = CharField(max_length=100, default="")
    note = TextField(default="")


class Deposit(BaseModel):
    """质量保证金 of a project and its 缺陷责任期."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        project_id: int
        deductions: ModelSelect[DepositDeduction]  # DepositDeduction.deposit

    project = ForeignKeyField(Project, unique=True, backref="deposit_rows")
    amount = Money()
    settled_price = Money()
    bank_guarantee = BooleanField(default=False)
    defect_months = IntegerField(default=12)  # 一般为1年, at most 2 (rules/deposit.py)
    start_on = DateField()
    applied_on = DateField(null=True)
    checked_on = DateField(null=True)
    reminder_on = DateField(null=True)
    returned_on = DateField(null=True)
    returned_amount = Money(null=True)
    notes = TextField(default="")
    version = IntegerField(default=1)


class DepositDeduction(BaseModel):
    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        deposit_id: int
        ticket_id: int | None

    deposit = ForeignKeyField(Deposit, backref="deductions")
    ticket = ForeignKeyField(Ticket, null=True, backref="deductions")
    amount = Money()
    on = DateField()
    reason = TextField()


class SafetyReport(BaseModel):
    """A ticket marked as a structural-safety defect (涉及结构安全, RULES.md §4; 《房屋建筑工程质量保修
    办法》第十条): the duty to report it at once to the local construction authority and make it safe,
    and the report once it is recorded as sent."""

    ticket = ForeignKeyField(Ticket, unique=True, backref="safety_reports")
    marked_at = DateTimeField(default=_now)
    marked_by = CharField(max_length=100, default="")
    reason = TextField(default="")  # what makes it a structural-safety defect
    measures = TextField(default="")  # what was done to make it safe (警戒、疏散、临时支护)
    authority = CharField(max_length=200, default="")  # the authority reported to
    sent_at = DateTimeField(null=True)  # the report recorded as sent
    sent_by = CharField(max_length=100, default="")
    sent_how = CharField(max_length=20, default="")  # 书面 / 电话 / 当面 / 网上  (i18n: data)
    sent_ref = CharField(max_length=100, default="")  # 文号、回执号 or the official spoken to
    note = TextField(default="")
    version = IntegerField(default=1)


class AuditLog(BaseModel):
    """Append-only: nothing in the program updates or deletes a row here; each row is chained to the
    one before by its hash (services.audit.record writes every row)."""

    at = DateTimeField(default=_now, index=True)
    user = CharField(max_length=100)
    action = CharField(max_length=40)
    table = CharField(max_length=40)
    record_id = IntegerField(null=True)
    old = TextField(default="")  # JSON
    new = TextField(default="")  # JSON
    note = TextField(default="")
    prev_hash = CharField(max_length=64, default="")  # the hash chain (audit_chain): the row before …
    chain_hash = CharField(max_length=64, default="")  # … and this row's own, over that and its content

    class Meta:
        indexes = ((("table", "record_id"), False),)


class PhoneDevice(BaseModel):
    """A phone paired to a staff member (手机端). The token is kept only as its SHA-256: whoever reads
    the database (or a backup) cannot act as the phone."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        staff_id: int
        pairing_codes: ModelSelect[PairingCode]  # PairingCode.device
        submissions: ModelSelect[PhoneSubmission]  # PhoneSubmission.device

    staff = ForeignKeyField(Staff, backref="phones")
    name = CharField(max_length=40)  # named by the clerk or the phone's owner: 张师傅的红米
    token_hash = CharField(max_length=64, unique=True)
    paired_at = DateTimeField(default=_now)
    paired_by = CharField(max_length=100, default="")  # the clerk who made the pairing code
    user_agent = CharField(max_length=200, default="")
    last_seen_at = DateTimeField(null=True)
    last_seen_ip = CharField(max_length=64, default="")
    revoked_at = DateTimeField(null=True)
    revoked_by = CharField(max_length=100, default="")


class PairingCode(BaseModel):
    """A one-time pairing code (the QR code the clerk shows), valid a few minutes, kept hashed."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        staff_id: int
        device_id: int | None

    code_hash = CharField(max_length=64, unique=True)
    staff = ForeignKeyField(Staff, backref="pairing_codes")
    created_at = DateTimeField(default=_now)
    created_by = CharField(max_length=100, default="")
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    device = ForeignKeyField(PhoneDevice, null=True, backref="pairing_codes")


class PhoneSubmission(BaseModel):
    """One submission from a phone, by its idempotency key: a submission sent again (a weak network,
    a retry) is answered with the stored result and never applied twice."""

    if TYPE_CHECKING:  # what peewee adds: the foreign keys' ids and the back-references
        device_id: int

    device = ForeignKeyField(PhoneDevice, backref="submissions")
    key = CharField(max_length=64)
    kind = CharField(max_length=20)  # arrive / report / visit
    record_table = CharField(max_length=40)
    record_id = IntegerField(null=True)
    received_at = DateTimeField(default=_now)
    result = TextField(default="")  # JSON: what the phone was told

    class Meta:
        indexes = ((("device", "key"), True),)


ALL_MODELS = [
    SchemaVersion,
    Setting,
    Region,
    Client,
    Staff,
    Subcontractor,
    Project,
    Unit,
    WarrantyItem,
    Attachment,
    AttachmentBlob,
    QuestionnaireTemplate,
    Question,
    Ticket,
    Visit,
    VisitFinding,
    VisitAnswer,
    VisitPlanApproval,
    TicketEvent,
    CostLine,
    Payment,
    Deposit,
    DepositDeduction,
    SafetyReport,
    AuditLog,
    PhoneDevice,
    PairingCode,
    PhoneSubmission,
]
