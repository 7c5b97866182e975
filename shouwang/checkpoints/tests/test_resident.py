"""The resident's phone: first scan registers, later scans are one tap."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from shouwang.accounts.models import AuditEvent
from shouwang.people.documents import compose_id_card
from shouwang.people.models import Change, Person
from shouwang.watch.models import Alert, Lead

from ..models import CheckIn, Pass, PassRule, checkin_figures
from ..tokens import COOKIE_NAME
from .factories import make_checkpoint, make_person, observe, registration

pytestmark = pytest.mark.django_db


def tap_data(**declared) -> dict:
    """A one-tap post as the page sends it: the declaration, nothing ticked unless said."""
    return {"client_id": str(uuid.uuid4()), "declared": "1", "direction": "in", **declared}


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def test_it_sends_a_new_phone_to_the_registration_form(gate) -> None:
    response = Client().get(reverse("checkin:scan", args=[gate.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("checkin:register", args=[gate.code])
    page = Client().get(response["Location"])
    assert page.status_code == 200
    assert "西城花园东门" in page.content.decode()
    assert len(page.content) < 100_000


def test_it_registers_and_shows_green(world, gate) -> None:
    client = Client()
    data = registration(world)
    response = client.post(reverse("checkin:register", args=[gate.code]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-result="g"' in body
    assert "西城花园东门" in body
    assert COOKIE_NAME in response.cookies
    person = Person.objects.with_document(data["doc_number"]).get()
    assert person.household.area == world.building_a
    assert person.household.room == "302"
    row = CheckIn.objects.get()
    assert (row.person, row.status, row.source) == (person, "declared", "self")
    assert len(body) < 100_000
    # Added through the ledger's own action: history and audit, no user behind them.
    created = Change.objects.get(person=person, action=Change.Action.CREATE)
    assert created.by is None
    assert person.notes == "卡点扫码自助登记，待核实"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, user=None).exists()


def test_it_remembers_the_phone_so_the_next_scan_is_one_tap(world, gate) -> None:
    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    page = client.get(reverse("checkin:scan", args=[gate.code]))
    assert page.status_code == 200
    assert "点一下" in page.content.decode()
    response = client.post(
        reverse("checkin:scan", args=[gate.code]),
        tap_data(direction="out"),
    )
    assert response.status_code == 200
    assert CheckIn.objects.count() == 2
    assert CheckIn.objects.filter(direction="out", status="declared").count() == 1


def test_it_stores_a_retried_tap_once(world, gate) -> None:
    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    tap = tap_data()
    for _ in range(3):
        assert client.post(reverse("checkin:scan", args=[gate.code]), tap).status_code == 200
    assert CheckIn.objects.filter(client_id=tap["client_id"]).count() == 1


def test_a_tap_with_another_person_s_client_id_shows_nothing_of_theirs(world, gate) -> None:
    """The id a tap carries is its page's; sent with someone else's (copied from their
    page), the answer was that person's passage: their result and its reasons."""
    scan = reverse("checkin:scan", args=[gate.code])
    observed, other = Client(), Client()
    data = registration(world, name="赵观察")
    observed.post(reverse("checkin:register", args=[gate.code]), data)
    observe(Person.objects.with_document(data["doc_number"]).get())
    tap = tap_data()
    assert 'data-result="r"' in observed.post(scan, tap).content.decode()
    other.post(reverse("checkin:register", args=[gate.code]), registration(world, name="钱其他"))
    response = other.post(scan, tap)
    assert response.status_code == 400
    body = response.content.decode()
    assert "登记编号与他人的记录重复" in body
    assert "居家观察" not in body
    assert CheckIn.objects.get(client_id=tap["client_id"]).person.name == "赵观察"


def test_it_rejects_a_bad_id_number_with_a_message(world, gate) -> None:
    data = registration(world, doc_number="410105199001011230")
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert response.status_code == 400
    assert "校验位" in response.content.decode()
    assert not CheckIn.objects.exists()
    assert not Person.objects.exists()


def test_a_foreign_permanent_resident_registers_with_the_card(world, gate) -> None:
    client = Client()
    page = client.get(reverse("checkin:register", args=[gate.code])).content.decode()
    assert '<option value="foreign_pr">外国人永久居留身份证</option>' in page
    card = compose_id_card("911840", date(1985, 6, 7), 123)
    data = registration(world, name="安娜", doc_type="foreign_pr", doc_number=card)
    response = client.post(reverse("checkin:register", args=[gate.code]), data)
    assert response.status_code == 200
    person = Person.objects.with_document(card).get()
    assert (person.doc_type, person.birth_date) == ("foreign_pr", date(1985, 6, 7))
    data = registration(world, name="约翰", doc_type="foreign_pr", doc_number="USA1108")
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert response.status_code == 400
    assert "外国人永久居留身份证号码应为18位" in response.content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        # A Chinese input method on a phone can run past a field's maxlength.
        {"unit": "东区" * 11},
        {"other_symptoms": "嗓子疼" * 34},
        {"kind": "resident_or_visitor"},
        {"client_id": ""},
    ],
    ids=["unit", "other_symptoms", "kind", "client_id"],
)
def test_every_refused_field_says_why(world, gate, bad) -> None:
    response = Client().post(
        reverse("checkin:register", args=[gate.code]), registration(world, **bad)
    )
    assert response.status_code == 400
    body = response.content.decode()
    messages = [e for errors in response.context["form"].errors.values() for e in errors]
    assert messages
    for message in messages:
        assert escape(message) in body
    assert not Person.objects.exists()


def test_a_refused_registration_says_at_the_top_what_to_fix(world, gate) -> None:
    """The page comes back at its top; the red line under 楼栋 or 门牌 is a screen down.
    The top names every field to change, and an empty one says what to fill in."""
    data = registration(world, name="", phone="", building="", room="")
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "请按红字提示修改：姓名、手机号、楼栋、门牌/房号，再点“提交并通行”" in body
    assert body.index('id="fix"') < body.index('id="id_name"')
    for message in ("请填写姓名", "请填写手机号", "请选择您住的楼栋", "请填写门牌/房号"):
        assert message in body
    assert "此项必填" not in body
    assert not Person.objects.exists()
    page = Client().get(reverse("checkin:register", args=[gate.code])).content.decode()
    assert 'id="fix"' not in page


def test_a_phone_whose_pass_was_revoked_is_told_why_it_registers_again(world, gate) -> None:
    """Without a word the next scan opened the first-time form, as if the phone had
    never registered."""
    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    scan = reverse("checkin:scan", args=[gate.code])
    assert "已失效" not in client.get(scan, follow=True).content.decode()
    Pass.objects.get().revoke(by=None)
    page = client.get(scan, follow=True)
    assert page.redirect_chain == [(reverse("checkin:register", args=[gate.code]), 302)]
    assert "本机保存的出入证已失效（被吊销或已过期），请重新填写登记" in page.content.decode()
    assert "已失效" not in Client().get(scan, follow=True).content.decode(), "a new phone"


def test_a_visitor_at_a_post_of_no_community_is_sent_to_staff(world) -> None:
    highway = make_checkpoint(world.subdistrict, "高速卡口", kind="highway")
    data = registration(world, kind="visitor", visiting="出差", visit_reason="路过")
    response = Client().post(reverse("checkin:register", args=[highway.code]), data)
    assert response.status_code == 400
    assert "请向值守人员出示证件登记" in response.content.decode()
    assert not Person.objects.exists()
    assert not CheckIn.objects.exists()


def test_a_post_of_no_community_says_so_before_a_visitor_fills_in_the_form(world) -> None:
    """A driver at a highway post learnt that visitors cannot register there only after
    filling in the whole form: the form offers residents only, and says so first."""
    highway = make_checkpoint(world.subdistrict, "高速卡口", kind="highway")
    page = Client().get(reverse("checkin:register", args=[highway.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "外来人员请向值守人员出示证件登记" in html
    assert 'value="resident"' in html
    assert 'value="visitor"' not in html
    data = registration(world, kind="visitor", visiting="出差", visit_reason="路过")
    refused = Client().post(reverse("checkin:register", args=[highway.code]), data)
    assert refused.status_code == 400
    assert "外来人员请向值守人员出示证件登记" in refused.content.decode()
    assert not Person.objects.exists()
    resident = Client().post(reverse("checkin:register", args=[highway.code]), registration(world))
    assert 'data-result="g"' in resident.content.decode()


def test_a_post_in_a_community_offers_visitors_the_form(world, gate) -> None:
    html = Client().get(reverse("checkin:register", args=[gate.code])).content.decode()
    assert 'value="visitor"' in html
    assert "外来人员请向值守人员出示证件登记" not in html


def test_it_refuses_a_building_of_another_community(world, gate) -> None:
    data = registration(world, building=world.building_b.pk)
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_a_self_declared_fever_is_red_with_an_alert_to_the_community(world, gate) -> None:
    """A temperature the resident typed is what they declare, not a measurement: red and
    a 申报发热 alert, kept in the row's note; the measured-fever count stays at 0 until
    staff at the post measure one."""
    data = registration(world, temperature="38.2")
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert 'data-result="r"' in response.content.decode()
    alert = Alert.objects.get(kind=Alert.Kind.FEVER)
    assert alert.area == world.community_a
    row = CheckIn.objects.get()
    assert alert.source_id == str(row.pk)
    assert "申报发热" in alert.title
    assert (row.temperature, row.fever) == (None, True)
    assert "自报体温 38.2℃" in row.note
    assert CheckIn.objects.aggregate(**checkin_figures())["fevers"] == 0


def test_a_normal_typed_temperature_is_noted_not_measured(world, gate) -> None:
    data = registration(world, temperature="36.5")
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert 'data-result="g"' in response.content.decode()
    row = CheckIn.objects.get()
    assert (row.temperature, row.fever) == (None, False)
    assert row.note == "自报体温 36.5℃"
    assert not Alert.objects.exists()


def test_risky_travel_is_yellow_and_a_lead(world, gate) -> None:
    data = registration(world, risk_travel="on")
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert 'data-result="y"' in response.content.decode()
    lead = Lead.objects.get()
    assert lead.source == "checkin"
    assert lead.area == world.community_a
    assert Pass.objects.get().risk_travel


def test_a_person_under_observation_is_red_with_an_alert(world, gate) -> None:
    person = make_person(world.building_a, "赵观察")
    key = observe(person)
    data = registration(world, doc_number=person.document_number, name="赵观察")
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert 'data-result="r"' in response.content.decode()
    alert = Alert.objects.get(kind=Alert.Kind.OBSERVED_AT_CHECKPOINT)
    assert alert.key_person == key
    assert alert.area == world.community_a
    assert Person.objects.count() == 1, "the ledger's person is reused, not duplicated"


def test_a_one_tap_of_a_person_put_under_observation_since_is_red_until_released(
    world, gate
) -> None:
    """The one-tap reads the key-person state in the pass's own query: a resident put
    under observation after registering is red at the next tap, green once released."""
    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    scan = reverse("checkin:scan", args=[gate.code])
    key = observe(Person.objects.get())
    red = client.post(scan, tap_data())
    assert 'data-result="r"' in red.content.decode()
    assert Alert.objects.get(kind=Alert.Kind.OBSERVED_AT_CHECKPOINT).key_person == key
    key.status = key.Status.RELEASED
    key.save(update_fields=["status"])
    green = client.post(scan, tap_data(direction="out"))
    assert 'data-result="g"' in green.content.decode()


def test_visitors_follow_the_area_rule(world, gate) -> None:
    PassRule.objects.create(area=world.community_a, visitors=PassRule.Visitors.REFUSED)
    data = registration(world, kind="visitor", visiting="3号楼张先生", visit_reason="送药")
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert 'data-result="r"' in response.content.decode()
    assert "谢绝访客" in response.content.decode()
    person = Person.objects.get()
    assert person.area == world.community_a
    assert person.household is None


def test_the_household_quota_turns_the_second_outing_red(world, gate) -> None:
    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    first, second = Client(), Client()
    first.post(reverse("checkin:register", args=[gate.code]), registration(world, direction="out"))
    response = second.post(
        reverse("checkin:register", args=[gate.code]),
        registration(world, name="王小红", phone="13912345679", direction="out"),
    )
    assert 'data-result="r"' in response.content.decode()
    assert Alert.objects.filter(kind=Alert.Kind.QUOTA).count() == 1
    assert list(CheckIn.objects.order_by("pk").values_list("result", flat=True)) == ["g", "r"]


def test_the_pass_qr_is_signed_and_refreshable(world, gate) -> None:
    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    page = client.get(reverse("checkin:pass"))
    assert page.status_code == 200
    assert len(page.content) < 100_000
    svg = client.get(reverse("checkin:pass_qr"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert Client().get(reverse("checkin:pass_qr")).status_code == 404


def test_a_tampered_cookie_is_not_a_registration(world, gate) -> None:
    client = Client()
    client.cookies[COOKIE_NAME] = "forged-value"
    response = client.get(reverse("checkin:scan", args=[gate.code]))
    assert response.status_code == 302


def test_forgetting_the_phone_clears_it(world, gate) -> None:
    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    client.post(reverse("checkin:forget"))
    assert client.get(reverse("checkin:scan", args=[gate.code])).status_code == 302


def test_a_closed_checkpoint_refuses_self_scans(world) -> None:
    from datetime import time

    from django.utils import timezone

    now = timezone.localtime().time()
    opens = time((now.hour + 2) % 24, 0)
    closes = time((now.hour + 3) % 24, 0)
    gate = make_checkpoint(world.compound_a, "夜间关闭门", opens_at=opens, closes_at=closes)
    response = Client().post(reverse("checkin:register", args=[gate.code]), registration(world))
    assert response.status_code == 400
    assert "未开放" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_closed_checkpoint_says_so_before_the_form_is_filled(world) -> None:
    from datetime import time

    from django.utils import timezone

    now = timezone.localtime().time()
    opens = time((now.hour + 2) % 24, 0)
    closes = time((now.hour + 3) % 24, 0)
    gate = make_checkpoint(world.compound_a, "夜间关闭门", opens_at=opens, closes_at=closes)
    response = Client().get(reverse("checkin:scan", args=[gate.code]), follow=True)
    page = response.content.decode()
    assert f"本卡点开放时间为 {gate.hours_label}，现在未开放" in page
    assert 'name="doc_number"' not in page


def test_an_old_poster_says_to_scan_the_new_one(world, gate) -> None:
    old = gate.code
    gate.rotate_code()
    for url in (reverse("checkin:scan", args=[old]), reverse("checkin:register", args=[old])):
        for response in (Client().get(url), Client().post(url, registration(world))):
            assert response.status_code == 404
            body = response.content.decode()
            assert "请扫描卡点现场张贴的最新二维码" in body
            assert "辖区范围" not in body, "the back office's 404 speaks to staff"
    assert not Person.objects.exists()


@pytest.mark.parametrize("code", ["a\x00b", "x" * 25, "卡点", "a b"])
def test_a_link_no_poster_could_bear_gets_the_phone_page(world, gate, code) -> None:
    """A NUL in the link was a 500 on PostgreSQL (its strings cannot hold one)."""
    for url in (reverse("checkin:scan", args=[code]), reverse("checkin:register", args=[code])):
        for response in (Client().get(url), Client().post(url, registration(world))):
            assert response.status_code == 404
            assert "请扫描卡点现场张贴的最新二维码" in response.content.decode()
    assert not Person.objects.exists()


def test_one_taps_of_one_pass_are_limited(world, gate, settings) -> None:
    """A script holding one pass cookie added 200 passages (and 进入人数) in seconds."""
    settings.SELF_CHECKINS_PER_PASS = 3
    phone = Client(REMOTE_ADDR="10.1.1.1")
    assert (
        phone.post(reverse("checkin:register", args=[gate.code]), registration(world)).status_code
        == 200
    )
    scan = reverse("checkin:scan", args=[gate.code])

    def tap(client: Client):
        return client.post(scan, tap_data())

    for _ in range(3):
        assert tap(phone).status_code == 200
    refused = tap(phone)
    assert refused.status_code == 429
    assert "扫码过于频繁" in refused.content.decode()
    assert CheckIn.objects.count() == 4  # the registration's passage and three taps
    # Another phone behind the same address is counted on its own pass.
    neighbour = Client(REMOTE_ADDR="10.1.1.1")
    neighbour.post(reverse("checkin:register", args=[gate.code]), registration(world))
    assert tap(neighbour).status_code == 200


def test_temperature_is_bounded(world, gate) -> None:
    response = Client().post(
        reverse("checkin:register", args=[gate.code]), registration(world, temperature="55")
    )
    assert response.status_code == 400
    assert not CheckIn.objects.exists()
    assert Decimal("37.3")


def test_registrations_from_one_address_are_limited(world, gate, settings) -> None:
    settings.SELF_REGISTRATIONS_PER_IP = 3
    url = reverse("checkin:register", args=[gate.code])
    phones = [Client(REMOTE_ADDR="10.1.1.1") for _ in range(3)]
    for phone in phones:
        assert phone.post(url, registration(world)).status_code == 200
    refused = Client(REMOTE_ADDR="10.1.1.1").post(url, registration(world))
    assert refused.status_code == 429
    assert "登记过于频繁" in refused.content.decode()
    assert Person.objects.count() == 3
    other = Client(REMOTE_ADDR="10.1.1.2").post(url, registration(world))
    assert other.status_code == 200
    # An invalid form is not counted, and a remembered phone's one tap is never limited.
    bad = Client(REMOTE_ADDR="10.1.1.2").post(url, registration(world, doc_number="1"))
    assert bad.status_code == 400
    assert "登记过于频繁" not in bad.content.decode()
    scan = reverse("checkin:scan", args=[gate.code])
    tap = phones[0].post(scan, tap_data(direction="out"))
    assert 'data-result="g"' in tap.content.decode()


def test_a_known_number_with_another_name_gets_no_pass(world, gate) -> None:
    person = make_person(world.building_a, "张三丰")
    url = reverse("checkin:register", args=[gate.code])
    data = registration(world, name="李四", doc_number=person.document_number)
    refused = Client().post(url, data)
    assert refused.status_code == 400
    assert "姓名与台账中该证件号码登记的姓名不一致" in refused.content.decode()
    assert COOKIE_NAME not in refused.cookies
    assert not Pass.objects.exists()
    assert not CheckIn.objects.exists()
    same = registration(world, name=" 张三 丰", doc_number=person.document_number)
    assert Client().post(url, same).status_code == 200
    assert Pass.objects.get().person == person


@pytest.mark.parametrize("typed", ["买买提艾力", "买买提 • 艾力", "买买提.艾力", "买买提・艾力"])
def test_a_transliterated_name_is_found_however_its_dot_is_typed(world, gate, typed) -> None:
    """The ledger writes 买买提·艾力; a phone keyboard has no ·, so residents type •, ・,
    a full stop or nothing at all."""
    person = make_person(world.building_a, "买买提·艾力")
    data = registration(world, name=typed, doc_number=person.document_number)
    response = Client().post(reverse("checkin:register", args=[gate.code]), data)
    assert response.status_code == 200, response.content.decode()
    assert Pass.objects.get().person == person
    assert Person.objects.count() == 1


def test_a_resent_registration_gets_its_pass_and_a_replayed_id_gets_nothing(world, gate) -> None:
    url = reverse("checkin:register", args=[gate.code])
    data = registration(world)
    assert Client().post(url, data).status_code == 200
    again = Client().post(url, data)  # the same form sent twice (a retry)
    assert again.status_code == 200
    assert COOKIE_NAME in again.cookies
    assert Pass.objects.count() == 1
    other = registration(world, name="李四", client_id=data["client_id"])
    replayed = Client().post(url, other)
    assert replayed.status_code == 400
    assert "此登记已提交过" in replayed.content.decode()
    assert COOKIE_NAME not in replayed.cookies
    assert Pass.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # no test transaction: the tap's own commit
def test_a_tap_with_a_declaration_costs_no_more_queries(
    world, gate, django_assert_num_queries
) -> None:
    """The one-tap POST is the benchmarked hot path: the declaration travels in it and
    is stored by its one INSERT. Two statements: the pass with its person and whether
    they are an active key person, and the INSERT (checkpoint, rule and key areas come
    from the per-process caches)."""
    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    scan = reverse("checkin:scan", args=[gate.code])
    client.post(scan, tap_data())  # warms the per-process caches
    today = timezone.localdate().isoformat()
    with django_assert_num_queries(2):
        response = client.post(
            scan, tap_data(cough="on", risk_travel="on", travel_since=today, direction="out")
        )
    assert 'data-result="y"' in response.content.decode()
    assert len(response.content) < 100_000
    row = CheckIn.objects.get(direction="out")
    assert (row.cough, row.travel_since.isoformat()) == (True, today)


@pytest.mark.parametrize(
    ("overrides", "said", "not_said"),
    [
        ({"room": "1" * 60}, "最多 40 个字", "请填写门牌/房号"),
        (
            {"kind": "visitor", "visiting": "张" * 150, "visit_reason": "探亲"},
            "最多 100 个字",
            "请填写拜访对象",
        ),
        (
            {"kind": "visitor", "visiting": "张先生", "visit_reason": "事" * 150},
            "最多 100 个字",
            "请填写来访事由",
        ),
    ],
)
def test_an_overlong_answer_is_not_called_empty(world, gate, overrides, said, not_said) -> None:
    """A room or a visit typed too long is told it is too long, not also to fill it in."""
    response = Client().post(
        reverse("checkin:register", args=[gate.code]), registration(world, **overrides)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert said in body
    assert not_said not in body
    assert not CheckIn.objects.exists()
    assert not Person.objects.exists()


def test_a_tap_with_a_broken_client_id_says_to_reload(world, gate) -> None:
    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    response = client.post(
        reverse("checkin:scan", args=[gate.code]), {**tap_data(), "client_id": "abc"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "页面已过期，请刷新" in body
    assert "UUID" not in body
    assert CheckIn.objects.count() == 1


def test_a_closed_checkpoint_says_so_before_a_registered_phone_taps(world, gate) -> None:
    """A phone already registered elsewhere scans a gate that is closed now: the page
    says so at once, not only after the resident has gone through the declaration and
    tapped 进."""
    from datetime import time

    client = Client()
    client.post(reverse("checkin:register", args=[gate.code]), registration(world))
    now = timezone.localtime().time()
    closed = make_checkpoint(
        world.compound_a,
        "夜间关闭门",
        opens_at=time((now.hour + 2) % 24, 0),
        closes_at=time((now.hour + 3) % 24, 0),
    )
    response = client.get(reverse("checkin:scan", args=[closed.code]))
    page = response.content.decode()
    assert f"本卡点开放时间为 {closed.hours_label}，现在未开放" in page
    assert 'name="direction"' not in page
    assert "我的出入证" in page
    assert client.post(reverse("checkin:scan", args=[closed.code]), tap_data()).status_code == 400
    assert CheckIn.objects.count() == 1


def test_unseen_characters_typed_or_pasted_are_not_kept(world, gate) -> None:
    """A zero-width space pasted into the room from a chat made a second household
    "3\u200b02" beside 302, alike on every page; a bell or a right-to-left override in
    the visit's answers was stored as sent."""
    neighbour = make_person(world.building_a, "李大姐", room="302")
    response = Client().post(
        reverse("checkin:register", args=[gate.code]),
        registration(world, unit="", room="3\u200b02\u202e"),
    )
    assert response.status_code == 200
    person = Person.objects.exclude(pk=neighbour.pk).get()
    assert person.household_id == neighbour.household_id
    visitor = Client().post(
        reverse("checkin:register", args=[gate.code]),
        registration(
            world,
            kind="visitor",
            visiting="3号楼\u0007张先生",
            visit_reason="送\u200b药",
            other_symptoms="咽\ufeff痛",
        ),
    )
    assert visitor.status_code == 200
    pass_ = Pass.objects.get(visitor=True)
    assert (pass_.visiting, pass_.visit_reason, pass_.other_symptoms) == (
        "3号楼张先生",
        "送药",
        "咽痛",
    )


def test_an_answer_of_unseen_characters_only_is_empty(world, gate) -> None:
    response = Client().post(
        reverse("checkin:register", args=[gate.code]), registration(world, room="\u200b\u200b")
    )
    assert response.status_code == 400
    assert "请填写门牌/房号" in response.content.decode()
    assert not Person.objects.exists()
