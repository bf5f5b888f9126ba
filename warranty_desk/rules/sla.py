"""Repair deadlines (SLA) from the report time, the urgency and the company settings (RULES.md §4).

Pure functions: datetimes in, datetimes and durations out. Deadlines are counted in clock hours,
so a deadline runs across midnight, month ends and year ends like the clock on the wall.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from warranty_desk.i18n import N_, NP_, _, join_list, pgettext

URGENT = "urgent"  # stored keys (schema step 10)
NORMAL = "normal"
URGENCIES = (URGENT, NORMAL)
# the urgencies' names ("一般" means "normal" here, not the satisfaction grade, hence the context)
URGENCY_NAMES = {URGENT: NP_("urgency", "紧急"), NORMAL: NP_("urgency", "一般")}
# what the first releases stored (the Chinese names), still understood: the audit log, old backups,
# scripts, the SLA setting's old keys
LEGACY_URGENCIES = {label: key for key, label in URGENCY_NAMES.items()}


def urgency_name(urgency: str) -> str:
    """A ticket's stored urgency in the active language (the one place that maps it)."""
    key = LEGACY_URGENCIES.get(urgency, urgency)
    return pgettext("urgency", URGENCY_NAMES[key]) if key in URGENCY_NAMES else urgency


def urgency_key(value: str) -> str:
    """The urgency a caller names: its key or its name in either language (紧急, urgent, Normal);
    anything else as given (the rule that refuses it names it)."""
    from warranty_desk.i18n import key_of

    return key_of(value, URGENCIES, urgency_name, LEGACY_URGENCIES, {"emergency": URGENT})

STEPS = ("respond", "onsite", "complete")
HOUR_KEYS = ("respond_hours", "onsite_hours", "complete_hours")  # a step's hours in the settings, in STEPS order
STEP_NAMES = {"respond": N_("响应"), "onsite": N_("到场"), "complete": N_("完成")}

DEFAULT_SLA = {
    URGENT: {"respond_hours": 2, "onsite_hours": 4, "complete_hours": 72},
    NORMAL: {"respond_hours": 24, "onsite_hours": 72, "complete_hours": 360},
}


@dataclass(frozen=True)
class Deadlines:
    respond: dt.datetime
    onsite: dt.datetime
    complete: dt.datetime

    def of(self, step: str) -> dt.datetime:
        return getattr(self, step)


def deadlines(reported_at: dt.datetime, urgency: str, sla: dict | None = None) -> Deadlines:
    """The response, on-site and completion deadlines of a request reported at `reported_at`."""
    urgency = LEGACY_URGENCIES.get(urgency, urgency)
    if urgency not in URGENCIES:
        raise ValueError(_("紧急程度“{urgency}”不对，应为：{urgencies}").format(
            urgency=urgency, urgencies=" / ".join(urgency_name(u) for u in URGENCIES)))
    table = sla or DEFAULT_SLA  # an SLA setting written before schema step 10 has the Chinese names as keys
    hours = table.get(urgency) or table.get(URGENCY_NAMES[urgency]) or DEFAULT_SLA[urgency]
    return Deadlines(
        respond=reported_at + dt.timedelta(hours=float(hours["respond_hours"])),
        onsite=reported_at + dt.timedelta(hours=float(hours["onsite_hours"])),
        complete=reported_at + dt.timedelta(hours=float(hours["complete_hours"])),
    )


def duration_text(delta: dt.timedelta) -> str:
    """3天2小时 / 5小时20分 / 15分 (the absolute length, in Chinese)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("{days}天{hours}小时").format(days=days, hours=hours) if hours else _("{days}天").format(days=days)
    if hours:
        return _("{hours}小时{mins}分").format(hours=hours, mins=mins) if mins else _("{hours}小时").format(hours=hours)
    return _("{mins}分").format(mins=mins)


@dataclass(frozen=True)
class SlaState:
    """Where a ticket stands against its deadlines at one moment."""

    step: str | None  # the next step still to do (respond / onsite / complete), None when done
    due: dt.datetime | None
    left: dt.timedelta | None  # negative when overdue
    overdue: bool
    late_steps: tuple[str, ...]  # steps already done, but late

    @property
    def text(self) -> str:
        if self.step is None:
            if self.late_steps:
                steps = join_list(_(STEP_NAMES[s]) for s in self.late_steps)
                return _("已完成（{steps}超时）").format(steps=steps)
            return _("已完成（未超时）")
        name = _(STEP_NAMES[self.step])
        assert self.left is not None  # a step still to do has its time left
        if self.overdue:
            return _("{name}已超时{duration}").format(name=name, duration=duration_text(self.left))
        return _("距{name}时限还剩{duration}").format(name=name, duration=duration_text(self.left))


def state_at(
    limits: Deadlines,
    now: dt.datetime,
    responded_at: dt.datetime | None = None,
    onsite_at: dt.datetime | None = None,
    completed_at: dt.datetime | None = None,
) -> SlaState:
    """The first step not yet done, its deadline and the time left (negative: overdue)."""
    done = {"respond": responded_at, "onsite": onsite_at, "complete": completed_at}
    # a later step done implies the earlier ones are done
    if completed_at and not onsite_at:
        done["onsite"] = completed_at
    if done["onsite"] and not responded_at:
        done["respond"] = done["onsite"]
    late = tuple(s for s in STEPS if (at := done[s]) is not None and at > limits.of(s))
    for step in STEPS:
        if done[step] is None:
            due = limits.of(step)
            left = due - now
            return SlaState(step, due, left, left < dt.timedelta(0), late)
    return SlaState(None, None, None, False, late)


@dataclass(frozen=True)
class Measured:
    """The figures the reports use: hours from the report to each step, and whether all were in time."""

    response_hours: float | None
    onsite_hours: float | None
    complete_hours: float | None
    close_hours: float | None
    within_sla: bool | None  # None while the repair is not complete


def _hours(start: dt.datetime, end: dt.datetime | None) -> float | None:
    if end is None:
        return None
    return round((end - start).total_seconds() / 3600, 2)


def measure(
    reported_at: dt.datetime,
    limits: Deadlines,
    responded_at: dt.datetime | None,
    onsite_at: dt.datetime | None,
    completed_at: dt.datetime | None,
    closed_at: dt.datetime | None = None,
) -> Measured:
    within = None
    if completed_at is not None:
        within = all(
            at is None or at <= limits.of(step)
            for step, at in (("respond", responded_at), ("onsite", onsite_at), ("complete", completed_at))
        )
    return Measured(
        _hours(reported_at, responded_at),
        _hours(reported_at, onsite_at),
        _hours(reported_at, completed_at),
        _hours(reported_at, closed_at),
        within,
    )
