"""Which repair requests are emergencies (RULES.md §4; 《房屋建筑工程质量保修办法》第九、十条).

涉及结构安全 or 严重影响使用功能的紧急抢修 — a burst pipe, a roof leaking into the dwelling, no
power, no heating in the heating season — must be attended at once; a structural-safety defect is
also reported at once to the local construction authority. Pure: the category, the words of the
description and the report date in, a suggestion with its reasons out. The clerk confirms or
overrides it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from warranty_desk.i18n import N_, _, join_list

from .seasons import Season
from .sla import NORMAL, URGENT

STRUCTURAL_CATEGORY = "foundation_structure"
HEATING_CATEGORY = "heating"
ROOF_CATEGORY = "roof_waterproofing"

# the words a caller uses; a match right after a negation (没有漏水, 未见裂缝) does not count
STRUCTURAL_WORDS = (
    "结构安全", "坍塌", "倒塌", "塌陷", "垮塌", "塌落", "倾斜", "歪斜", "沉降", "下沉", "贯通裂缝", "结构裂缝",  # i18n: data
    "承重墙开裂", "承重墙裂", "梁开裂", "梁裂", "柱开裂", "柱裂", "楼板开裂", "楼板裂", "露筋", "钢筋外露",  # i18n: data
)
BURST_WORDS = (
    "爆管", "爆裂", "水管爆了", "管子爆了", "管道爆了", "水管破裂", "管道破裂", "管子破裂", "水管裂", "跑水", "水淹", "淹水", "泡水", "喷水",  # i18n: data
    "大量漏水", "漏水严重", "严重漏水", "水流不止", "止不住", "关不住",  # i18n: data
)
ROOF_LEAK_WORDS = ("漏雨", "屋顶漏水", "屋面漏水", "顶棚漏水", "天花板漏水", "顶板漏水", "往下滴水", "往下流水")  # i18n: data
ROOF_LEAK_WORDS_IN_ROOF_CATEGORY = ("漏水", "滴水", "流水", "淌水", "进水")  # i18n: data
POWER_WORDS = (
    "停电", "断电", "没电", "没有电", "无电", "不来电", "全屋没电", "漏电", "触电", "冒烟", "起火", "着火", "打火",  # i18n: data
    "短路", "烧焦", "电线烧",  # i18n: data
)
GAS_WORDS = ("燃气泄漏", "煤气泄漏", "燃气漏", "煤气漏", "漏燃气", "漏煤气", "闻到煤气", "闻到燃气", "天然气泄漏")  # i18n: data
HEATING_OUT_WORDS = (
    "暖气不热", "暖气不暖", "暖气片不热", "暖气冰凉", "暖气片冰凉", "暖气不通", "没暖气", "没有暖气", "无暖气",  # i18n: data
    "不供暖", "停暖", "暖气停了", "供暖中断", "不热", "冰凉", "室温低", "温度低", "太冷",  # i18n: data
)
HEATING_WORDS = ("暖气", "供暖", "采暖", "地暖", "暖气片")  # i18n: data
# 没有漏水 / 水管没有爆裂 / 未见裂缝和倾斜: a negation right before the word, or a two-character one a few
# characters before it in the same clause (不停漏水 and 业主没关阀门导致跑水 stay emergencies)
NEGATION_CHARS = "没无不未非"  # i18n: data
NEGATION_WORDS = ("没有", "未见", "没见", "并未", "不是", "无明显", "未发现", "没发现")  # i18n: data
NEGATION_REACH = 5
CLAUSE_END = "，,。；;！!？?、\n"

STRUCTURAL = "structural"
BURST = "burst"
ROOF_LEAK = "roof_leak"
POWER = "power"
GAS = "gas"
HEATING_OUT = "heating_out"
REASONS = {
    STRUCTURAL: N_("可能涉及结构安全（地基基础或主体结构）：须立即处理，并立即报告当地建设行政主管部门"),
    BURST: N_("管道爆裂、跑水：紧急抢修"),
    ROOF_LEAK: N_("屋面漏水进入室内：紧急抢修"),
    POWER: N_("停电、漏电或电气起火：紧急抢修"),
    GAS: N_("燃气泄漏：紧急处理（先请业主关闭总阀、开窗、联系燃气公司）"),
    HEATING_OUT: N_("采暖期内不供暖：紧急抢修"),
}

# RULES.md §4 and 办法 第十条: the duty shown on a ticket marked as a structural-safety defect
SAFETY_DUTY = N_(
    "涉及结构安全的质量缺陷：应立即向当地建设行政主管部门报告，并采取安全防范措施（设置警戒、疏散、临时支护）；"
    "由原设计单位或具有相应资质等级的设计单位提出保修方案，施工单位实施保修，原工程质量监督机构负责监督"
    "（《房屋建筑工程质量保修办法》第十条）；保修完成后报当地建设行政主管部门备案（第十一条）。"
)


@dataclass(frozen=True)
class UrgencySuggestion:
    urgency: str  # 紧急 / 一般 (the stored values of rules/sla.py)
    grounds: tuple[str, ...]  # keys of REASONS, in order; empty for 一般
    words: tuple[str, ...]  # the words of the description that triggered it
    structural: bool  # looks like a structural-safety defect: the duty to report applies

    @property
    def reasons(self) -> list[str]:
        return [_(REASONS[g]) for g in self.grounds]

    @property
    def text(self) -> str:
        """One line for the intake form and the ticket history."""
        if self.urgency != URGENT:
            return _("建议按一般报修处理（未发现紧急情形）")
        words = join_list(self.words)
        reasons = join_list(self.reasons, _("；"))
        if words:
            return _("建议按紧急处理：{reasons}（报修内容提到：{words}）").format(reasons=reasons, words=words)
        return _("建议按紧急处理：{reasons}").format(reasons=reasons)


_SPACE = re.compile(r"\s+")


def _negated(text: str, at: int) -> bool:
    start = at
    while start > 0 and at - start < NEGATION_REACH and text[start - 1] not in CLAUSE_END:
        start -= 1
    before = text[start:at]
    return (bool(before) and before[-1] in NEGATION_CHARS) or any(n in before for n in NEGATION_WORDS)


def _found(text: str, words: tuple[str, ...]) -> list[str]:
    """The words that occur in `text`, not negated (没有漏水 is not a leak), longest first where
    two overlap (全屋没电, not also 没电)."""
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, str]] = []
    for word in sorted(words, key=len, reverse=True):
        start = 0
        while (at := text.find(word, start)) >= 0:
            start = at + 1
            end = at + len(word)
            if any(a < end and at < b for a, b in taken):
                continue
            if _negated(text, at):
                continue
            taken.append((at, end))
            hits.append((at, word))
            break
    return [word for _at, word in sorted(hits)]


def in_season(season: Season | None, day: dt.date) -> bool:
    """Whether `day` falls inside a heating (or cooling) season of this kind."""
    if season is None:
        return False
    for year in (day.year - 1, day.year):
        first, last = season.starting_in(year)
        if first <= day <= last:
            return True
    return False


def suggest(category: str, description: str, reported_on: dt.date, heating: Season | None = None,
            structural_safety: bool = False) -> UrgencySuggestion:
    """紧急 when the category, the words or the date make it an emergency (RULES.md §4), else 一般.

    `heating`: the project's heating season (None where it has no district heating);
    `structural_safety`: the clerk already marked the request as a structural-safety defect."""
    text = _SPACE.sub("", description or "")
    grounds: list[str] = []
    words: list[str] = []

    def hit(ground: str, found: list[str]) -> None:
        if ground not in grounds:
            grounds.append(ground)
        words.extend(w for w in found if w not in words)

    structural_words = _found(text, STRUCTURAL_WORDS)
    if structural_safety or category == STRUCTURAL_CATEGORY or structural_words:
        hit(STRUCTURAL, structural_words)
    burst = _found(text, BURST_WORDS)
    if burst:
        hit(BURST, burst)
    roof = _found(text, ROOF_LEAK_WORDS)
    if category == ROOF_CATEGORY:
        roof += [w for w in _found(text, ROOF_LEAK_WORDS_IN_ROOF_CATEGORY) if not any(w in r for r in roof)]
    if roof:
        hit(ROOF_LEAK, roof)
    power = _found(text, POWER_WORDS)
    if power:
        hit(POWER, power)
    gas = _found(text, GAS_WORDS)
    if gas:
        hit(GAS, gas)
    if in_season(heating, reported_on):
        about_heating = category == HEATING_CATEGORY or any(w in text for w in HEATING_WORDS)
        cold = _found(text, HEATING_OUT_WORDS)
        if about_heating and cold:
            hit(HEATING_OUT, cold)
    urgency = URGENT if grounds else NORMAL
    return UrgencySuggestion(urgency, tuple(grounds), tuple(words), STRUCTURAL in grounds)
