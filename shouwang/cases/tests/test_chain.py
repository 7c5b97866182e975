"""The transmission chain on the case page: case → contacts → their cases → …"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from shouwang.cases.chain import chain_for
from shouwang.watch.models import KeyPerson

from .factories import contact_confirmed_as_case, ended_record, make_case, make_contact


def test_the_chain_follows_contacts_who_became_cases(world):
    root = make_case(world.building_a)
    close = make_contact(root, world.building_a)
    secondary = make_contact(root, world.building_a2, via=close, degree=2)
    second_case = make_case(world.building_a, person=close.person)
    onward = make_contact(second_case, world.building_b)
    chain = chain_for(root, world.hq)
    assert [n.contact for n in chain.contacts] == [close]
    node = chain.contacts[0]
    assert [n.contact for n in node.secondary] == [secondary]
    assert node.case == second_case
    assert [n.contact for n in node.contacts] == [onward]
    assert chain.hidden == 0


def test_the_chain_hides_what_the_viewer_may_not_see_but_counts_it(world):
    root = make_case(world.building_a)
    make_contact(root, world.building_a)
    make_contact(root, world.building_b)
    chain = chain_for(root, world.staff_a)
    assert len(chain.contacts) == 1
    assert chain.hidden == 1


def test_a_cycle_in_the_chain_ends(world):
    a = make_case(world.building_a)
    contact_b = make_contact(a, world.building_a)
    b = make_case(world.building_a, person=contact_b.person)
    make_contact(b, world.building_a, person=a.person)  # b also named a as a contact
    chain = chain_for(a, world.hq)
    node = chain.contacts[0]
    assert node.case == b
    assert node.contacts[0].case is None  # a is the root: not expanded again


def test_the_case_page_names_where_the_case_came_from(world):
    root = make_case(world.building_a)
    close = make_contact(root, world.building_a)
    second_case = make_case(world.building_a, person=close.person)
    body = world.client("staff_a").get(reverse("cases:detail", args=[second_case.pk])).content
    page = body.decode()
    assert "感染来源" in page
    assert reverse("cases:detail", args=[root.pk]) in page


def test_a_source_case_outside_the_viewers_area_is_named_without_a_link(world):
    root = make_case(world.building_a)
    close = make_contact(root, world.building_b)
    second_case = make_case(world.building_b, person=close.person)
    client = world.client("staff_b")
    page = client.get(reverse("cases:detail", args=[second_case.pk])).content.decode()
    assert "感染来源" in page
    assert root.person.name in page
    assert reverse("cases:detail", args=[root.pk]) not in page  # A's case: a 404 for B


def test_a_secondary_contact_whose_close_contact_is_hidden_sits_under_a_placeholder(world):
    # The close contact lives in B; their 次密接 in A. A's staff see the 次密接, under a
    # masked close contact, never as a close contact of the case itself.
    root = make_case(world.building_a)
    close = make_contact(root, world.building_b)
    secondary = make_contact(root, world.building_a2, via=close, degree=2)
    chain = chain_for(root, world.staff_a)
    assert len(chain.contacts) == 1
    placeholder = chain.contacts[0]
    assert placeholder.contact is None
    assert [n.contact for n in placeholder.secondary] == [secondary]
    assert chain.hidden == 1
    page = world.client("staff_a").get(reverse("cases:detail", args=[root.pk])).content.decode()
    assert "辖区外的密接（未显示）" in page
    assert close.person.name not in page
    assert secondary.person.name in page


def _chain_line(page: str, name: str) -> str:
    """The chain's node of ``name`` on the case page: its label and its own case."""
    chain = page.split('<ul class="chain">')[1]
    return chain.split(name)[1].split("</li>")[0].split("<ul>")[0]


def test_a_contact_sent_to_hospital_on_becoming_a_case_says_so_in_the_chain(world):
    root, close, own = contact_confirmed_as_case(world.building_a, by=world.staff_a)
    key_person = close.key_person
    assert key_person.status == KeyPerson.Status.HOSPITAL
    page = world.client("staff_a").get(reverse("cases:detail", args=[root.pk])).content.decode()
    line = _chain_line(page, close.person.name)
    assert "本人已是病例" in line
    assert "转医院" not in line
    assert reverse("cases:detail", args=[own.pk]) in line


def test_a_contact_sent_to_hospital_without_becoming_a_case_says_so_in_the_chain(world, today):
    root = make_case(world.building_a, onset_date=today - timedelta(days=3))
    close = make_contact(root, world.building_a, last_contact_date=today - timedelta(days=2))
    ended_record(
        close,
        status=KeyPerson.Status.HOSPITAL,
        reason=KeyPerson.Reason.FEVER_HOSPITAL,
        by=world.staff_a,
    )
    page = world.client("staff_a").get(reverse("cases:detail", args=[root.pk])).content.decode()
    line = _chain_line(page, close.person.name)
    assert f"{today.month}月{today.day}日 转医院，未登记为病例" in line
    assert "本人已是病例" not in line
