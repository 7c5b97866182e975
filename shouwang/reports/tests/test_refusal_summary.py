"""A report or an amendment refused for a figure says so at the top of the page: the
figure's row may lie below the fold (the 11th of 20 rows at 1366×768), and the page
comes back scrolled to the top, still 未报, with nothing else saying it failed."""

import pytest

from shouwang.reports import actions

from .pages import ON_TIME, page_form, url

pytestmark = pytest.mark.django_db


def top(response) -> str:
    """The page above the figures' table."""
    page = response.content.decode()
    return page[: page.index('class="table report-values"')]


def without_reason(client, community, day) -> dict:
    body = page_form(client.get(url("report", community, day)))
    body["v_persons_checked"] = "120"
    return body


@ON_TIME
@pytest.mark.parametrize("action", ["submit", "report"])
def test_it_names_the_figure_to_fix_above_the_table(world, day, action):
    client = world.client("staff_a")
    body = without_reason(client, world.community_a, day)
    response = client.post(url(action, world.community_a, day), body)
    assert response.status_code == 400
    summary = top(response)
    assert "有1项需要修改，本次未保存" in summary
    assert 'href="#id_r_persons_checked"' in summary
    assert "排查人员（人）：与系统统计（0）不一致，请填写更正原因" in summary


@ON_TIME
def test_it_names_the_figure_to_fix_on_an_amendment(world, day):
    client = world.client("staff_a")
    client.post(
        url("submit", world.community_a, day),
        page_form(client.get(url("report", world.community_a, day))),
    )
    assert actions.report_for(community=world.community_a, day=day).is_submitted
    body = page_form(client.get(url("amend", world.community_a, day)))
    body.update({"v_persons_checked": "-1", "reason": "复核"})
    response = client.post(url("amend", world.community_a, day), body)
    assert response.status_code == 400
    summary = top(response)
    assert "有1项需要修改，本次未保存" in summary
    assert 'href="#id_v_persons_checked"' in summary
    assert "排查人员（人）：不能小于0" in summary


@ON_TIME
def test_a_valid_page_has_no_summary(world, day):
    response = world.client("staff_a").get(url("report", world.community_a, day))
    assert "需要修改" not in top(response)
