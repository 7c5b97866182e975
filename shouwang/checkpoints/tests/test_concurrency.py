"""The same client id sent 20 times at once is stored once (over HTTP, against the
live server: 20 threads released together by ``at_once``, 20 database connections, one
unique constraint)."""

from __future__ import annotations

import contextlib
import re
import threading
import uuid
from unittest import mock

import httpx
import pytest
from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.core.tests.races import at_once
from shouwang.people.models import Household, Person

from ..declarations import Declaration
from ..models import CheckIn, Pass
from ..tokens import COOKIE_NAME, COOKIE_SALT
from .factories import id_number, make_checkpoint, make_pass, make_person

N = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_retries_store_one_row(world, live_server) -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database is shared by one connection; "
            "SQLite concurrency is measured by bench/checkin.py against a file database"
        )
    gate = make_checkpoint(world.compound_a, "并发门")
    pass_ = make_pass(make_person(world.building_a))
    cookie = signing.get_cookie_signer(salt=COOKIE_NAME + COOKIE_SALT).sign(pass_.code)
    url = f"{live_server.url}/c/{gate.code}/"
    with httpx.Client(cookies={COOKIE_NAME: cookie}) as client:
        page = client.get(url)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        cookies = dict(client.cookies)
    data = {
        "csrfmiddlewaretoken": csrf,
        "client_id": str(uuid.uuid4()),
        "declared": "1",
        "direction": "in",
    }

    def send(_: int) -> int:
        with httpx.Client(cookies=cookies, timeout=30) as c:
            return c.post(url, data=data, headers={"Referer": url}).status_code

    assert at_once(N, send) == [200] * N
    assert CheckIn.objects.filter(client_id=data["client_id"]).count() == 1
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("room", ["101", "909"], ids=["known-room", "new-room"])
def test_a_registration_tapped_twice_at_once_adds_one_person(world, live_server, room) -> None:
    """A slow network, the submit button tapped again: the form arrives several times at
    once. One person, one pass, one passage, and every answer the result page."""
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is shared by one connection")
    make_person(world.building_a, "户主", room="101")
    gate = make_checkpoint(world.compound_a, "并发登记门")
    url = f"{live_server.url}/c/{gate.code}/register/"
    with httpx.Client() as client:
        page = client.get(url)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        cookies = dict(client.cookies)
    number = id_number()
    data = {
        "csrfmiddlewaretoken": csrf,
        "client_id": str(uuid.uuid4()),
        "name": "王小明",
        "doc_type": "id_card",
        "doc_number": number,
        "phone": "13912345678",
        "kind": "resident",
        "building": world.building_a.pk,
        "room": room,
        "direction": "in",
    }
    taps = 5

    def send(_: int) -> int:
        with httpx.Client(cookies=cookies, timeout=30) as c:
            return c.post(url, data=data, headers={"Referer": url}).status_code

    assert at_once(taps, send) == [200] * taps
    assert Person.objects.with_document(number).count() == 1
    assert Household.objects.filter(area=world.building_a, room=room).count() == 1
    assert Pass.objects.count() == 1
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_only_ordinary_passages_commit_asynchronously(world) -> None:
    from django.test.utils import CaptureQueriesContext

    from ..actions import self_checkin
    from .factories import observe

    gate = make_checkpoint(world.compound_a, "异步提交门")
    ordinary = make_pass(make_person(world.building_a, "普通"))
    watched_person = make_person(world.building_a, "观察", room="102")
    observe(watched_person)
    watched = make_pass(watched_person)
    relaxed = []
    for pass_ in (ordinary, watched):
        with CaptureQueriesContext(connection) as queries:
            self_checkin(
                checkpoint=gate,
                pass_=pass_,
                direction="in",
                client_id=uuid.uuid4(),
                declaration=Declaration(),
            )
        relaxed.append(any("synchronous_commit" in q["sql"] for q in queries.captured_queries))
    expected = connection.vendor == "postgresql"
    assert relaxed == [expected, False], "a passage with an alert always commits synchronously"


@pytest.mark.django_db(transaction=True)
def test_an_ordinary_passage_is_one_statement_without_begin_or_commit(world) -> None:
    from django.test.utils import CaptureQueriesContext

    from ..actions import self_checkin

    gate = make_checkpoint(world.compound_a, "单语句门")
    pass_ = make_pass(make_person(world.building_a, "普通"))
    # A cough (yellow, no alert, no lead) and a carried risk travel with it on its row.
    declaration = Declaration(
        cough=True, travel_since=timezone.localdate(), made_on=timezone.localdate()
    )
    with CaptureQueriesContext(connection) as queries:
        recorded = self_checkin(
            checkpoint=gate,
            pass_=pass_,
            direction="in",
            client_id=uuid.uuid4(),
            declaration=declaration,
        )
    writes = [q["sql"] for q in queries.captured_queries if "checkpoints_checkin" in q["sql"]]
    assert len(writes) == 1
    assert not any(q["sql"].startswith(("BEGIN", "COMMIT")) for q in queries.captured_queries)
    stored = CheckIn.objects.get(pk=recorded.checkin.pk)
    assert stored.client_id == recorded.checkin.client_id
    assert stored.person_id == pass_.person_id
    assert (stored.result, stored.fever, stored.cough) == ("y", False, True)
    assert stored.travel_since == timezone.localdate()


@pytest.mark.django_db(transaction=True)
def test_a_card_form_clicked_twice_at_once_issues_one_card(world, live_server) -> None:
    """发放纸质出入证 clicked again while the first click is still on its way: the two
    requests race for the one client id, and the person gets one valid card."""
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is shared by one connection")
    person = make_person(world.building_a, "钱老人")
    session = world.client("staff_a").cookies["sessionid"].value
    url = live_server.url + reverse("checkpoints:passes")
    with httpx.Client(cookies={"sessionid": session}) as client:
        page = client.get(url)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        client_id = re.search(r'name="client_id" value="([^"]+)"', page.text).group(1)
        # The page may refresh the session cookie: take the jar's last of each name.
        cookies = {c.name: c.value for c in client.cookies.jar}
    data = {
        "csrfmiddlewaretoken": csrf,
        "client_id": client_id,
        "doc_number": person.document_number,
    }
    clicks = 5

    def send(_: int) -> tuple[int, str]:
        with httpx.Client(cookies=cookies, timeout=30) as c:
            response = c.post(live_server.url + reverse("checkpoints:card_issue"), data=data)
            return response.status_code, response.headers.get("location", "")

    answers = at_once(clicks, send)
    card = Pass.objects.get(kind="card")
    assert card.person == person
    where = reverse("checkpoints:passes") + f"?kind=card#pass-{card.pk}"
    assert answers == [(302, where)] * clicks


@pytest.mark.django_db(transaction=True)
def test_two_staff_reissuing_a_card_at_once_leave_one_valid_card(world, live_server) -> None:
    """Two pages, two decisions to 补发 at the same moment: both cards are issued one
    after the other (the person's row is locked), and the second revokes the first."""
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is shared by one connection")
    person = make_person(world.building_a, "钱老人")
    session = world.client("staff_a").cookies["sessionid"].value
    forms = []
    for _ in range(2):
        with httpx.Client(cookies={"sessionid": session}) as client:
            page = client.get(live_server.url + reverse("checkpoints:passes")).text
            forms.append(
                (
                    {c.name: c.value for c in client.cookies.jar},
                    {
                        "csrfmiddlewaretoken": re.search(
                            r'name="csrfmiddlewaretoken" value="([^"]+)"', page
                        ).group(1),
                        "client_id": re.search(r'name="client_id" value="([^"]+)"', page).group(1),
                        "doc_number": person.document_number,
                    },
                )
            )

    def send(i: int) -> int:
        cookies, data = forms[i]
        with httpx.Client(cookies=cookies, timeout=30) as c:
            return c.post(
                live_server.url + reverse("checkpoints:card_issue"), data=data
            ).status_code

    # Each request waits, holding its new card, for the other to hold one too before it
    # looks for the earlier cards: without the lock both would then look while the
    # other's card is uncommitted. With it the second cannot get there until the first
    # has committed: the first gives up waiting after a moment.
    both_issued = threading.Barrier(len(forms), timeout=2)
    record = audit.record

    def held_record(**kwargs) -> None:
        record(**kwargs)
        if kwargs.get("detail") == "发放纸质出入证":
            with contextlib.suppress(threading.BrokenBarrierError):
                both_issued.wait()

    with mock.patch("shouwang.checkpoints.actions.cards.audit.record", held_record):
        codes = at_once(len(forms), send)
    assert codes == [302, 302]
    cards = Pass.objects.filter(person=person, kind="card")
    assert cards.count() == 2
    assert cards.filter(revoked_at__isnull=True).count() == 1
