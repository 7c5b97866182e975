"""发放纸质出入证: the form carries the id its page was drawn with, so a double click
(or the form sent again) issues one card; a new page's form issues a new card and
revokes the person's earlier one (补发)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import AuditEvent

from .. import tokens
from ..actions import pass_for_token
from ..models import Pass
from .factories import make_pass, make_person

pytestmark = pytest.mark.django_db


def drawn_form(client) -> dict[str, str]:
    """The card form's fields as the passes page draws them."""
    page = client.get(reverse("checkpoints:passes")).content.decode()
    client_id = re.search(r'name="client_id" value="([0-9a-f-]{36})"', page)
    assert client_id, "the card form carries a client id"
    return {"client_id": client_id.group(1)}


def test_a_double_click_issues_one_card(world) -> None:
    person = make_person(world.building_a, "钱老人")
    client = world.client("staff_a")
    data = {**drawn_form(client), "doc_number": person.document_number}
    first = client.post(reverse("checkpoints:card_issue"), data)
    second = client.post(reverse("checkpoints:card_issue"), data)
    card = Pass.objects.get(kind="card")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"], "both clicks land on the one card"
    assert second["Location"].endswith(f"#pass-{card.pk}")
    assert card.person == person
    assert card.client_id is not None
    issued = AuditEvent.objects.filter(detail="发放纸质出入证")
    assert issued.count() == 1, "the card is issued (and audited) once"


def test_each_page_draws_a_new_card_form(world) -> None:
    client = world.client("staff_a")
    assert drawn_form(client) != drawn_form(client)


def test_a_new_form_reissues_the_card_and_revokes_the_lost_one(world) -> None:
    """Another page's form is 补发 (the first card lost or worn out): the new card is
    issued and the earlier one revoked, so a lost card no longer opens a gate."""
    person = make_person(world.building_a, "钱老人")
    client = world.client("staff_a")
    data = {**drawn_form(client), "doc_number": person.document_number}
    client.post(reverse("checkpoints:card_issue"), data)
    lost = Pass.objects.get(kind="card", person=person)
    data = {**drawn_form(client), "doc_number": person.document_number}
    page = client.post(reverse("checkpoints:card_issue"), data, follow=True).content.decode()
    assert "已为钱老人补发纸质出入证，原有的纸质出入证已吊销" in page
    new = Pass.objects.get(kind="card", person=person, revoked_at__isnull=True)
    assert new != lost
    lost.refresh_from_db()
    assert lost.revoked_at is not None
    assert lost.revoked_by == world.staff_a
    assert AuditEvent.objects.filter(detail="补发纸质出入证，原证吊销").count() == 1
    with pytest.raises(tokens.TokenRejected):
        pass_for_token(tokens.card_token(lost.code))
    assert pass_for_token(tokens.card_token(new.code)) == new


def test_a_phone_pass_and_an_expired_card_are_left_as_they_are(world) -> None:
    person = make_person(world.building_a, "钱老人")
    phone = make_pass(person)
    expired = Pass.objects.create(
        person=person, kind="card", valid_until=timezone.localdate() - timedelta(days=1)
    )
    client = world.client("staff_a")
    data = {**drawn_form(client), "doc_number": person.document_number}
    page = client.post(reverse("checkpoints:card_issue"), data, follow=True).content.decode()
    assert "已为钱老人发放纸质出入证，请打印" in page
    assert Pass.objects.filter(pk__in=[phone.pk, expired.pk], revoked_at__isnull=True).count() == 2


def test_a_form_sent_again_for_someone_else_is_refused(world) -> None:
    """Going back and typing another number on the same page is not that card again."""
    first = make_person(world.building_a, "钱老人")
    second = make_person(world.building_a, "孙老人", room="102")
    client = world.client("staff_a")
    form = drawn_form(client)
    client.post(reverse("checkpoints:card_issue"), {**form, "doc_number": first.document_number})
    response = client.post(
        reverse("checkpoints:card_issue"),
        {**form, "doc_number": second.document_number},
        follow=True,
    )
    assert "页面已过期，请刷新后重新提交" in response.content.decode()
    assert list(Pass.objects.values_list("person", flat=True)) == [first.pk]


def test_a_form_from_before_the_client_id_says_to_reload(world) -> None:
    person = make_person(world.building_a, "钱老人")
    response = world.client("staff_a").post(
        reverse("checkpoints:card_issue"), {"doc_number": person.document_number}, follow=True
    )
    assert "请刷新" in response.content.decode()
    assert not Pass.objects.exists()
