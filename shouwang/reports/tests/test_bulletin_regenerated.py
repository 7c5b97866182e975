"""A day's bulletin kept by HQ, then generated again: the page says which text it
shows. It said 显示的是…保存的版本 above the text generated anew (按最新数字重新生成),
and a template just saved led to the kept text, the new template nowhere in it."""

import pytest
from django.urls import reverse

from shouwang.reports import days
from shouwang.reports.rollup import rollup

pytestmark = pytest.mark.django_db

KEPT = "截至昨日，一切正常。（已报送区指挥部）"


@pytest.fixture
def kept(world):
    """The last closed day rolled up, and its bulletin kept by HQ."""
    day = days.last_closed_day()
    rollup(day)
    url = f"{reverse('reports:bulletin')}?area={world.subdistrict.pk}&day={day.isoformat()}"
    assert world.client("hq").post(url, {"text": KEPT}).status_code == 302
    return day


def shown(response) -> str:
    return response.context["form"].initial["text"]


def test_the_kept_text_says_it_is_the_kept_one(world, kept):
    response = world.client("hq").get(reverse("reports:bulletin"), {"day": kept.isoformat()})
    assert shown(response) == KEPT
    assert "保存的版本" in response.content.decode()


def test_the_text_generated_again_does_not_claim_to_be_the_kept_one(world, kept):
    response = world.client("hq").get(
        reverse("reports:bulletin"), {"day": kept.isoformat(), "fresh": "1"}
    )
    page = response.content.decode()
    assert shown(response).startswith(f"截至{kept.month}月{kept.day}日15时")
    assert "显示的是" not in page
    assert "按最新数字和模板重新生成，尚未保存" in page
    back = f'href="?area={world.subdistrict.pk}&day={kept.isoformat()}"'
    assert back in page  # the kept version, one tap away


def test_a_template_just_saved_shows_its_text(world, kept):
    client = world.client("hq")
    response = client.post(
        reverse("reports:bulletin_template"), {"text": "{area}{date}通报：一切正常。"}, follow=True
    )
    assert response.status_code == 200
    assert shown(response) == f"明湖街道{kept.month}月{kept.day}日15时通报：一切正常。"
