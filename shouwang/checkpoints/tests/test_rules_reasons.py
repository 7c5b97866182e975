"""What a verdict says, as staff read it beside the area's rule: a visitor refused at a
strict key area whose rule lets visitors in (or in after registration) is refused for
the key area, not under a rule the rules page does not show."""

from ..models import PassRule
from ..rules import Facts, judge

V = PassRule.Visitors


def test_a_strict_key_area_refuses_a_visitor_for_the_key_area() -> None:
    verdict = judge(Facts(key_area_level="strict", visitor=True, visitor_policy=V.REGISTERED))
    assert verdict.result == "r"
    assert verdict.reasons == ["重点区域通行从严，请值守人员测温登记", "重点区域谢绝访客"]


def test_a_strict_key_area_under_a_refusing_rule_names_the_rule() -> None:
    verdict = judge(Facts(key_area_level="strict", visitor=True, visitor_policy=V.REFUSED))
    assert verdict.reasons == ["重点区域通行从严，请值守人员测温登记", "本辖区谢绝访客"]


def test_a_refusing_rule_names_the_rule() -> None:
    assert judge(Facts(visitor=True, visitor_policy=V.REFUSED)).reasons == ["本辖区谢绝访客"]
