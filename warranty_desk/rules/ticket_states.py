"""The life of a repair ticket as a state machine: only the transitions listed here are legal.

Main line: 已受理 → 已派工 → 已到场 → 维修中 → 待验收 → 已关闭.
Side lines: 非保修/有偿 (the owner must accept a quote: accepted → 已派工, refused → 已关闭),
业主另行委托 (the owner had it repaired by another party), 已撤销 (needs a reason).
"""

from __future__ import annotations

from dataclasses import dataclass

from warranty_desk.i18n import N_, _, namer

# the stored values are keys (schema step 10); the names are said through _() where they are shown
RECEIVED = "received"
DISPATCHED = "dispatched"
ONSITE = "onsite"
REPAIRING = "repairing"
AWAITING_CHECK = "awaiting_check"
CLOSED = "closed"
PAID = "paid"
ELSEWHERE = "elsewhere"
CANCELLED = "cancelled"
LABELS = {
    RECEIVED: N_("已受理"), DISPATCHED: N_("已派工"), ONSITE: N_("已到场"), REPAIRING: N_("维修中"),
    AWAITING_CHECK: N_("待验收"), CLOSED: N_("已关闭"), PAID: N_("非保修/有偿"), ELSEWHERE: N_("业主另行委托"),
    CANCELLED: N_("已撤销"),
}
# what the first releases stored (the Chinese names): still understood where it may come back — the
# audit log (append-only, never rewritten), an old backup, a script's input
LEGACY = {label: key for key, label in LABELS.items()}

STATES = (RECEIVED, DISPATCHED, ONSITE, REPAIRING, AWAITING_CHECK, CLOSED, PAID, ELSEWHERE, CANCELLED)
FINAL_STATES = (CLOSED, CANCELLED)
OPEN_STATES = tuple(s for s in STATES if s not in FINAL_STATES)
# someone may be dispatched (or re-assigned) in these states
DISPATCHABLE_STATES = (RECEIVED, PAID, DISPATCHED)

# guards the service checks before a transition
NEEDS_ASSIGNEE = "assignee"  # someone (staff or subcontractor) is dispatched
NEEDS_QUOTE_ACCEPTED = "quote_accepted"
NEEDS_QUOTE_REFUSED = "quote_refused"
NEEDS_SIGNOFF = "signoff"
NEEDS_PAID_QUOTE = "paid_quote"  # a repair the owner pays starts only after the quote is accepted


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    reason_required: bool = False
    guards: tuple[str, ...] = ()
    label: str = ""


TRANSITIONS: tuple[Transition, ...] = (
    Transition(RECEIVED, DISPATCHED, guards=(NEEDS_ASSIGNEE,), label=N_("派工")),
    Transition(RECEIVED, PAID, label=N_("转为有偿维修（待业主确认报价）")),
    Transition(RECEIVED, ELSEWHERE, True, label=N_("业主另行委托维修")),
    Transition(RECEIVED, CANCELLED, True, label=N_("撤销")),
    Transition(PAID, DISPATCHED, guards=(NEEDS_QUOTE_ACCEPTED, NEEDS_ASSIGNEE), label=N_("业主已接受报价，派工")),
    Transition(PAID, CLOSED, True, guards=(NEEDS_QUOTE_REFUSED,), label=N_("业主拒绝报价，关闭")),
    Transition(PAID, CANCELLED, True, label=N_("撤销")),
    Transition(DISPATCHED, ONSITE, label=N_("已到场")),
    Transition(DISPATCHED, RECEIVED, True, label=N_("退回重新派工")),
    Transition(DISPATCHED, ELSEWHERE, True, label=N_("业主另行委托维修")),
    Transition(DISPATCHED, CANCELLED, True, label=N_("撤销")),
    Transition(ONSITE, REPAIRING, guards=(NEEDS_PAID_QUOTE,), label=N_("开始维修")),
    Transition(ONSITE, PAID, True, label=N_("现场判定为有偿维修")),
    Transition(ONSITE, ELSEWHERE, True, label=N_("业主另行委托维修")),
    Transition(ONSITE, CANCELLED, True, label=N_("撤销")),
    Transition(REPAIRING, AWAITING_CHECK, label=N_("维修完成，待业主验收")),
    Transition(AWAITING_CHECK, CLOSED, guards=(NEEDS_SIGNOFF,), label=N_("验收通过，关闭")),
    Transition(AWAITING_CHECK, REPAIRING, True, label=N_("验收未通过，返修")),
    Transition(ELSEWHERE, CLOSED, label=N_("关闭")),
)
_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


class IllegalTransition(ValueError):
    pass


def next_states(state: str) -> tuple[str, ...]:
    """The states a ticket in `state` may move to, in the order a form offers them."""
    state = LEGACY.get(state, state)
    if state not in STATES:
        raise IllegalTransition(_("未知的工单状态“{state}”").format(state=state))
    return tuple(t.target for t in TRANSITIONS if t.source == state)


def transition(source: str, target: str) -> Transition:
    """The rule for moving from `source` to `target`; IllegalTransition when there is none."""
    source, target = LEGACY.get(source, source), LEGACY.get(target, target)
    for state in (source, target):
        if state not in STATES:
            raise IllegalTransition(_("未知的工单状态“{state}”，可用的状态：{STATES}").format(
                state=state, STATES=" / ".join(state_name(s) for s in STATES)))
    rule = _BY_PAIR.get((source, target))
    if rule is None:
        allowed = next_states(source)
        if not allowed:
            raise IllegalTransition(_("工单已“{source}”，不能再改为“{target}”").format(
                source=state_name(source), target=state_name(target)))
        raise IllegalTransition(
            _("工单当前为“{source}”，不能直接改为“{target}”；可改为：{allowed}").format(
                source=state_name(source), target=state_name(target), allowed=" / ".join(state_name(s) for s in allowed))
        )
    return rule


def check(source: str, target: str, reason: str = "") -> Transition:
    rule = transition(source, target)
    if rule.reason_required and not (reason or "").strip():
        raise IllegalTransition(_("从“{source}”改为“{target}”须写明原因").format(source=state_name(source),
                                                                          target=state_name(target)))
    return rule


def state_name(state: str) -> str:
    """A ticket's stored state in the active language (the one place that maps it); a Chinese name
    stored before schema step 10 (the audit log keeps them) is said the same way."""
    key = LEGACY.get(state, state)
    return _(LABELS[key]) if key in LABELS else state


namer("state", state_name)


def state_key(value: str) -> str:
    """The state a caller names: its key, or its name in either language (any case). Anything else
    is returned as given, for the rule that refuses it to name it."""
    from warranty_desk.i18n import key_of

    return key_of(value, STATES, state_name, LEGACY)


def is_open(state: str) -> bool:
    return LEGACY.get(state, state) in OPEN_STATES


def can_dispatch(state: str) -> bool:
    return LEGACY.get(state, state) in DISPATCHABLE_STATES


# what a clerk may record on a ticket besides moving it along; the ticket window offers these only
# where `actions` allows them, and the services refuse them elsewhere
DISPATCH = "dispatch"  # send (or re-assign) someone
CAUSE = "cause"  # the responsibility class, which decides who pays
QUOTE = "quote"  # the price of a repair the owner pays
ANSWER_QUOTE = "answer_quote"  # the owner accepts or refuses it
COST = "cost"  # a cost line (labour, material, other)
PAYMENT = "payment"  # money received from the owner (also after closing: owners pay late)
SIGNOFF = "signoff"  # the owner's acceptance
PRINT_DISPATCH = "print_dispatch"  # the 派工单


def actions(state: str, *, owner_pays: bool = False, quoted: bool = False, assigned: bool = False) -> frozenset[str]:
    """The actions a ticket in `state` allows. A closed or cancelled ticket allows no change of its
    responsibility, price or costs; a paid repair's price and the owner's payments only where the
    owner pays."""
    if state not in STATES:
        raise IllegalTransition(_("未知的工单状态“{state}”").format(state=state))
    allowed: set[str] = set()
    if state in DISPATCHABLE_STATES:
        allowed.add(DISPATCH)
    if state in OPEN_STATES:
        allowed |= {CAUSE, COST}
        if owner_pays or state == PAID:
            allowed.add(QUOTE)
            if quoted:
                allowed.add(ANSWER_QUOTE)
    if owner_pays and state != CANCELLED:
        allowed.add(PAYMENT)
    if state == AWAITING_CHECK:
        allowed.add(SIGNOFF)
    if assigned:
        allowed.add(PRINT_DISPATCH)
    return frozenset(allowed)
