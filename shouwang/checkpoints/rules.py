"""The pass rules, in one function: facts about a passage in, a verdict out.

``judge`` has no database access; ``actions`` gathers the facts (the person's
key-person status, the area's rule, today's outings of the household) and applies the
verdict's side effects (alerts, a lead). Tests walk a table of cases through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shouwang.watch.models import Alert

from .models import (
    FEVER_THRESHOLD,
    KEY_PERSON_MEASURE,
    SEALED_EXIT,
    STRICT_AREA_MEASURE,
    SYMPTOMS_MEASURE,
    CheckIn,
    PassRule,
)

GREEN, YELLOW, RED = CheckIn.Result.GREEN, CheckIn.Result.YELLOW, CheckIn.Result.RED
_SEVERITY = {GREEN: 0, YELLOW: 1, RED: 2}
# Key-person measures that forbid passing (居家观察, 集中隔离); others only warn.
CONFINED_MEASURES = {"home", "central"}
# Key-area levels (cases.KeyArea.Level) that tighten the rules at the area's gates.
KEY_AREA_STRICT, KEY_AREA_SEALED = "strict", "sealed"


@dataclass(frozen=True)
class Facts:
    direction: str = CheckIn.Direction.IN
    key_person_measure: str | None = None
    temperature: Decimal | None = None
    declared_fever: bool = False
    symptoms: bool = False
    risk: bool = False
    risk_is_new: bool = False
    visitor: bool = False
    visitor_registered: bool = False
    visitor_policy: str = PassRule.Visitors.REGISTERED
    has_household: bool = False
    outings_today: int = 0
    outing_quota: int | None = None
    # The strictest key area (重点区域) covering the checkpoint or the person's home.
    key_area_level: str | None = None
    # A vehicle's passage (its occupants counted as people), not one person's.
    vehicle: bool = False


def is_milder(result: str, *, than: str) -> bool:
    return _SEVERITY[result] < _SEVERITY[than]


@dataclass
class Verdict:
    result: str = GREEN
    reasons: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    lead: bool = False
    # Why the rules refuse the passage outright, if they do (their words): a visitor
    # coming in where visitors are refused, a person going out of a sealed area. Such a
    # passage did not happen: it is recorded as 劝返.
    refused: str = ""

    def add(self, result: str, reason: str) -> None:
        if _SEVERITY[result] > _SEVERITY[self.result]:
            self.result = result
        self.reasons.append(reason)

    def refuse(self, reason: str) -> None:
        self.add(RED, reason)
        self.refused = reason


def judge(facts: Facts) -> Verdict:
    """绿 pass, 黄 pass with attention, 红 stop; with the alerts and lead to raise."""
    verdict = Verdict()
    measure = facts.key_person_measure
    if measure in CONFINED_MEASURES:
        verdict.add(RED, "正在居家观察或集中隔离，不得出入")
        verdict.alerts.append(Alert.Kind.OBSERVED_AT_CHECKPOINT)
    elif measure is not None:
        verdict.add(YELLOW, KEY_PERSON_MEASURE)
    if facts.temperature is not None and facts.temperature >= FEVER_THRESHOLD:
        verdict.add(RED, f"体温 {facts.temperature:.1f}℃，达到发热标准")
        verdict.alerts.append(Alert.Kind.FEVER)
    if facts.declared_fever:
        verdict.add(RED, "申报发热，请勿通行，请佩戴口罩到发热门诊就诊")
        if Alert.Kind.FEVER not in verdict.alerts:
            verdict.alerts.append(Alert.Kind.FEVER)
    elif facts.symptoms:
        verdict.add(YELLOW, SYMPTOMS_MEASURE)
    if facts.risk:
        verdict.add(YELLOW, "申报14天内到过风险地区或接触过病例")
        verdict.lead = facts.risk_is_new
    coming_in = facts.direction == CheckIn.Direction.IN
    if facts.key_area_level == KEY_AREA_SEALED:
        # No one goes out: a person is turned back by the rule itself. A vehicle (a
        # supply van that delivered) is red, and left to staff at the gate.
        if not coming_in and facts.vehicle:
            verdict.add(RED, SEALED_EXIT)
        elif not coming_in:
            verdict.refuse(SEALED_EXIT)
        elif facts.visitor:
            verdict.refuse("封闭管理区域，谢绝访客")
    elif facts.key_area_level == KEY_AREA_STRICT:
        verdict.add(YELLOW, STRICT_AREA_MEASURE)
    # The visitor rule is about letting visitors in: one leaving is never kept inside.
    if facts.visitor and coming_in:
        if facts.visitor_policy == PassRule.Visitors.REFUSED:
            verdict.refuse("本辖区谢绝访客")
        elif facts.key_area_level == KEY_AREA_STRICT:  # whatever the area's rule says
            verdict.refuse("重点区域谢绝访客")
        elif facts.visitor_policy == PassRule.Visitors.REGISTERED and not facts.visitor_registered:
            verdict.add(YELLOW, "访客请向值守人员登记")
    if (
        facts.direction == CheckIn.Direction.OUT
        and facts.has_household
        and facts.outing_quota is not None
        and facts.outings_today >= facts.outing_quota
    ):
        if facts.outing_quota == 0:
            verdict.add(RED, "本辖区暂停外出（每户每天外出上限为 0）")
        else:
            verdict.add(RED, f"本户今日外出已达 {facts.outing_quota} 次上限")
        verdict.alerts.append(Alert.Kind.QUOTA)
    return verdict
