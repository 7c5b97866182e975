"""The pass rules, case by case (one function, one table)."""

from decimal import Decimal

import pytest

from shouwang.watch.models import Alert

from ..models import CheckIn, PassRule
from ..rules import Facts, judge

IN, OUT = CheckIn.Direction.IN, CheckIn.Direction.OUT
V = PassRule.Visitors

CASES = [
    # (case, facts, result, alerts, lead)
    ("an ordinary resident passes", Facts(), "g", [], False),
    (
        "a key area under daily follow-up changes nothing",
        Facts(key_area_level="follow_up"),
        "g",
        [],
        False,
    ),
    ("a strict key area warns", Facts(key_area_level="strict"), "y", [], False),
    (
        "a strict key area refuses visitors even where allowed",
        Facts(key_area_level="strict", visitor=True, visitor_policy=V.ALLOWED),
        "r",
        [],
        False,
    ),
    ("a sealed key area lets residents in", Facts(key_area_level="sealed"), "g", [], False),
    (
        "a sealed key area stops residents going out",
        Facts(key_area_level="sealed", direction=OUT),
        "r",
        [],
        False,
    ),
    (
        "a sealed key area refuses visitors",
        Facts(key_area_level="sealed", visitor=True, visitor_policy=V.ALLOWED),
        "r",
        [],
        False,
    ),
    ("home observation stops", Facts(key_person_measure="home"), "r", ["observed_checkin"], False),
    (
        "central isolation stops",
        Facts(key_person_measure="central"),
        "r",
        ["observed_checkin"],
        False,
    ),
    ("health monitoring warns", Facts(key_person_measure="monitoring"), "y", [], False),
    ("36.9 passes", Facts(temperature=Decimal("36.9")), "g", [], False),
    ("37.2 passes", Facts(temperature=Decimal("37.2")), "g", [], False),
    ("37.3 is a fever", Facts(temperature=Decimal("37.3")), "r", ["fever"], False),
    ("38.5 is a fever", Facts(temperature=Decimal("38.5")), "r", ["fever"], False),
    ("declared symptoms warn", Facts(symptoms=True), "y", [], False),
    (
        "a declared fever stops and alerts",
        Facts(declared_fever=True, symptoms=True),
        "r",
        ["fever"],
        False,
    ),
    (
        "a declared and measured fever alerts once",
        Facts(declared_fever=True, symptoms=True, temperature=Decimal("38.0")),
        "r",
        ["fever"],
        False,
    ),
    ("new risky travel: yellow and a lead", Facts(risk=True, risk_is_new=True), "y", [], True),
    ("known risky travel: yellow, no new lead", Facts(risk=True), "y", [], False),
    ("visitor allowed", Facts(visitor=True, visitor_policy=V.ALLOWED), "g", [], False),
    ("visitor must register", Facts(visitor=True, visitor_policy=V.REGISTERED), "y", [], False),
    (
        "registered visitor passes",
        Facts(visitor=True, visitor_policy=V.REGISTERED, visitor_registered=True),
        "g",
        [],
        False,
    ),
    (
        "visitors refused",
        Facts(visitor=True, visitor_policy=V.REFUSED, visitor_registered=True),
        "r",
        [],
        False,
    ),
    (
        "a visitor leaving where visitors are refused goes",
        Facts(visitor=True, visitor_policy=V.REFUSED, direction=OUT),
        "g",
        [],
        False,
    ),
    (
        "a visitor leaving is not asked to register",
        Facts(visitor=True, visitor_policy=V.REGISTERED, direction=OUT),
        "g",
        [],
        False,
    ),
    (
        "a visitor leaving a strict key area goes, with its warning",
        Facts(key_area_level="strict", visitor=True, visitor_policy=V.ALLOWED, direction=OUT),
        "y",
        [],
        False,
    ),
    (
        "a sealed key area stops visitors going out too",
        Facts(key_area_level="sealed", visitor=True, direction=OUT),
        "r",
        [],
        False,
    ),
    (
        "first outing within quota",
        Facts(direction=OUT, has_household=True, outing_quota=1, outings_today=0),
        "g",
        [],
        False,
    ),
    (
        "second outing over 一户一人一天一次",
        Facts(direction=OUT, has_household=True, outing_quota=1, outings_today=1),
        "r",
        ["quota"],
        False,
    ),
    (
        "coming home is never over quota",
        Facts(direction=IN, has_household=True, outing_quota=1, outings_today=3),
        "g",
        [],
        False,
    ),
    (
        "no quota configured",
        Facts(direction=OUT, has_household=True, outing_quota=None, outings_today=9),
        "g",
        [],
        False,
    ),
    (
        "quota of two",
        Facts(direction=OUT, has_household=True, outing_quota=2, outings_today=1),
        "g",
        [],
        False,
    ),
    (
        "a visitor has no household quota",
        Facts(direction=OUT, has_household=False, outing_quota=1, outings_today=5),
        "g",
        [],
        False,
    ),
    (
        "fever and observation: red with both alerts",
        Facts(key_person_measure="home", temperature=Decimal("38.0")),
        "r",
        ["observed_checkin", "fever"],
        False,
    ),
    (
        "red beats yellow",
        Facts(risk=True, risk_is_new=True, temperature=Decimal("37.5")),
        "r",
        ["fever"],
        True,
    ),
]


@pytest.mark.parametrize(
    ("case", "facts", "result", "alerts", "lead"), CASES, ids=[c[0] for c in CASES]
)
def test_it_judges(case: str, facts: Facts, result: str, alerts: list, lead: bool) -> None:
    verdict = judge(facts)
    assert verdict.result == result, case
    assert verdict.alerts == [Alert.Kind(a) for a in alerts], case
    assert verdict.lead is lead, case
    assert bool(verdict.reasons) is (result != "g"), case


def test_a_quota_of_zero_says_outings_are_paused() -> None:
    verdict = judge(Facts(direction=OUT, has_household=True, outing_quota=0, outings_today=0))
    assert verdict.result == "r"
    assert verdict.reasons == ["本辖区暂停外出（每户每天外出上限为 0）"]
