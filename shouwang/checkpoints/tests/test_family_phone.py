"""One phone for a family: an adult registers their parents or children without phones
beside themselves (添加家人) and scans for whichever of them is passing."""

from __future__ import annotations

import uuid

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from shouwang.people.models import Person
from shouwang.watch.models import Alert

from .. import tokens
from ..models import CheckIn, Pass
from ..tokens import COOKIE_NAME
from .factories import make_checkpoint, make_pass, make_person, registration
from .test_resident import tap_data

pytestmark = pytest.mark.django_db

NAMES = ["王小明", "王大爷", "李奶奶", "王小红", "王小刚", "王小丽", "王小六"]


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def signed(*codes: str) -> str:
    signer = signing.get_cookie_signer(salt=COOKIE_NAME + tokens.COOKIE_SALT)
    return "|".join(signer.sign(code) for code in codes)


def register(client: Client, world, gate, name: str, **overrides):
    return client.post(
        reverse("checkin:register", args=[gate.code]), registration(world, name=name, **overrides)
    )


def phone_codes(client: Client) -> list[str]:
    request = type("R", (), {"COOKIES": {COOKIE_NAME: client.cookies[COOKIE_NAME].value}})
    return tokens.remembered_codes(request)


def persons_named(name: str) -> list[Person]:
    return [p for p in Person.objects.all() if p.name == name]


def family(world, gate, n: int = 2) -> Client:
    client = Client()
    for name in NAMES[:n]:
        assert register(client, world, gate, name).status_code == 200
    return client


def test_adding_a_family_member_keeps_the_first_person(world, gate) -> None:
    client = family(world, gate)
    codes = phone_codes(client)
    first, parent = (Pass.objects.get(person=persons_named(n)[0]) for n in NAMES[:2])
    assert codes == [first.code, parent.code]
    page = client.get(reverse("checkin:scan", args=[gate.code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "本次为谁扫码" in body
    assert "王*明" in body
    assert "王*爷" in body
    assert "王小明" not in body, "names are masked"
    assert "王大爷" not in body
    assert len(page.content) < 100_000


def test_the_add_family_form_is_prefilled_with_the_first_person_s_home(world, gate) -> None:
    client = Client()
    register(client, world, gate, "王小明", unit="2", room="502")
    page = client.get(reverse("checkin:register", args=[gate.code]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["building"].value() == world.building_a.pk
    assert (form["unit"].value(), form["room"].value()) == ("2", "502")
    assert "添加家人" in page.content.decode()
    # A first registration on a new phone has nothing to fill in.
    fresh = Client().get(reverse("checkin:register", args=[gate.code]))
    assert fresh.context["form"]["room"].value() is None


def test_a_tap_records_the_chosen_person_with_their_own_declaration(world, gate) -> None:
    client = family(world, gate)
    me, parent = (Pass.objects.get(person=persons_named(n)[0]) for n in NAMES[:2])
    scan = reverse("checkin:scan", args=[gate.code])
    page = client.get(scan, {"p": parent.code})
    assert page.status_code == 200
    assert "本次为 <b>王*爷</b> 扫码" in page.content.decode()
    assert f'name="who" value="{parent.code}"' in page.content.decode()
    fever = client.post(scan, tap_data(who=parent.code, fever="on"))
    assert 'data-result="r"' in fever.content.decode()
    assert "王*爷" in fever.content.decode()
    alert = Alert.objects.get(kind=Alert.Kind.FEVER)
    assert alert.person == parent.person
    # The parent's fever is the parent's: the adult's page shows nothing ticked.
    mine = client.get(scan, {"p": me.code}).context["form"]
    assert not mine["fever"].value()
    assert client.get(scan, {"p": parent.code}).context["form"]["fever"].value()
    green = client.post(scan, tap_data(who=me.code, direction="out"))
    assert 'data-result="g"' in green.content.decode()
    last = CheckIn.objects.latest("at")
    assert (last.person, last.pass_used, last.fever) == (me.person, me, False)
    assert Alert.objects.count() == 1


def test_a_tap_without_saying_whose_records_nothing(world, gate) -> None:
    client = family(world, gate)
    before = CheckIn.objects.count()
    scan = reverse("checkin:scan", args=[gate.code])
    missing = client.post(scan, tap_data())
    assert missing.status_code == 400
    assert "请先选择本次为谁扫码" in missing.content.decode()
    other = make_pass(make_person(world.building_a, "外人"))
    foreign = client.post(scan, tap_data(who=other.code))
    assert foreign.status_code == 400
    assert "所选人员已不在本机登记中" in foreign.content.decode()
    assert CheckIn.objects.count() == before
    # Nor does a pass shown on another phone open on this one.
    assert "外*" not in client.get(scan, {"p": other.code}).content.decode()


@pytest.mark.django_db(transaction=True)  # no test transaction: the tap's own commit
def test_a_family_tap_costs_what_a_single_tap_costs(world, gate, django_assert_num_queries) -> None:
    """One pass lookup (the chosen one, with its key-person check) and the INSERT."""
    client = family(world, gate, n=3)
    parent = Pass.objects.get(person=persons_named(NAMES[1])[0])
    scan = reverse("checkin:scan", args=[gate.code])
    client.post(scan, tap_data(who=parent.code))  # warms the per-process caches
    with django_assert_num_queries(2):
        response = client.post(scan, tap_data(who=parent.code, direction="out"))
    assert 'data-result="g"' in response.content.decode()


def test_a_phone_remembers_at_most_six(world, gate) -> None:
    client = family(world, gate, n=6)
    assert len(phone_codes(client)) == tokens.PHONE_PASSES
    people = Person.objects.count()
    url = reverse("checkin:register", args=[gate.code])
    page = client.get(url)
    assert "本机最多保存6人的登记信息，已满" in page.content.decode()
    assert 'name="doc_number"' not in page.content.decode()
    refused = register(client, world, gate, NAMES[6])
    assert refused.status_code == 400
    assert "请选择由新登记的人替换本机保存的哪一位" in refused.content.decode()
    assert COOKIE_NAME not in refused.cookies
    assert Person.objects.count() == people
    assert len(phone_codes(client)) == tokens.PHONE_PASSES
    # Making room: remove one, then the seventh is added.
    client.post(reverse("checkin:forget"), {"who": phone_codes(client)[3]})
    assert register(client, world, gate, NAMES[6]).status_code == 200
    assert len(phone_codes(client)) == tokens.PHONE_PASSES


def test_a_full_phone_takes_a_resent_registration_of_someone_it_holds(world, gate) -> None:
    """The sixth registration's answer was shown (the cookie holds six) and the form is
    sent again — the browser's 重新提交 on reload, a double tap: the same passage and
    pass come back, nothing is added, the phone still holds six."""
    client = family(world, gate, n=5)
    sixth = registration(world, name=NAMES[5])
    url = reverse("checkin:register", args=[gate.code])
    assert client.post(url, sixth).status_code == 200
    codes, people, rows = phone_codes(client), Person.objects.count(), CheckIn.objects.count()
    assert len(codes) == tokens.PHONE_PASSES
    again = client.post(url, sixth)
    assert again.status_code == 200
    assert 'data-result="g"' in again.content.decode()
    assert phone_codes(client) == codes
    assert (Person.objects.count(), CheckIn.objects.count()) == (people, rows)


def test_a_full_phone_registers_someone_it_holds_again_on_their_pass(world, gate) -> None:
    client = Client()
    url = reverse("checkin:register", args=[gate.code])
    parent = registration(world, name=NAMES[1])
    for name in NAMES[:6]:
        data = parent if name == NAMES[1] else registration(world, name=name)
        assert client.post(url, data).status_code == 200
    codes = phone_codes(client)
    passes, people = Pass.objects.count(), Person.objects.count()
    again = {**parent, "client_id": str(uuid.uuid4()), "cough": "on", "direction": "out"}
    response = client.post(url, again)
    assert response.status_code == 200
    assert 'data-result="y"' in response.content.decode()
    assert phone_codes(client) == codes, "the same pass, in its place"
    assert (Pass.objects.count(), Person.objects.count()) == (passes, people)
    held = Pass.objects.get(code=codes[1])
    assert (held.person.name, held.cough) == (NAMES[1], True)
    assert CheckIn.objects.latest("at").pass_used == held
    # Someone new is still refused, before anything is written.
    refused = client.post(url, registration(world, name=NAMES[6]))
    assert refused.status_code == 400
    assert "本机最多保存6人的登记信息，已满" in refused.content.decode()
    assert (Pass.objects.count(), Person.objects.count()) == (passes, people)
    assert phone_codes(client) == codes


def test_a_full_phone_refuses_a_resent_form_of_someone_it_no_longer_holds(world, gate) -> None:
    client = family(world, gate, n=5)
    url = reverse("checkin:register", args=[gate.code])
    sixth = registration(world, name=NAMES[5])
    client.post(url, sixth)
    client.post(reverse("checkin:forget"), {"who": phone_codes(client)[5]})
    client.post(url, registration(world, name=NAMES[6]))
    codes = phone_codes(client)
    assert len(codes) == tokens.PHONE_PASSES
    refused = client.post(url, sixth)
    assert refused.status_code == 400
    assert "已满" in refused.content.decode()
    assert phone_codes(client) == codes


def test_registering_someone_again_keeps_their_pass_and_place(world, gate) -> None:
    client = Client()
    data = registration(world, name="王小明")
    client.post(reverse("checkin:register", args=[gate.code]), data)
    register(client, world, gate, "王大爷")
    codes = phone_codes(client)
    again = registration(world, name="王小明", doc_number=data["doc_number"], fever="on")
    response = client.post(reverse("checkin:register", args=[gate.code]), again)
    assert response.status_code == 200
    assert 'data-result="r"' in response.content.decode()
    assert phone_codes(client) == codes
    assert Pass.objects.count() == 2, "no second pass for the same person"
    assert Pass.objects.get(code=codes[0]).fever


def test_removing_one_person_keeps_the_others(world, gate) -> None:
    client = family(world, gate, n=3)
    me, parent, third = phone_codes(client)
    response = client.post(reverse("checkin:forget"), {"who": parent})
    assert response.status_code == 302
    assert phone_codes(client) == [me, third]
    assert Pass.objects.filter(code=parent).exists(), "the pass itself stays valid"
    unknown = client.post(reverse("checkin:forget"), {"who": parent})
    assert unknown.status_code == 400
    assert "该人员不在本机登记中" in unknown.content.decode()
    client.post(reverse("checkin:forget"), {"who": third})
    # One left: the scan is one tap again, no choosing.
    page = client.get(reverse("checkin:scan", args=[gate.code]))
    assert "点一下" in page.content.decode()
    assert "本次为谁扫码" not in page.content.decode()
    client.post(reverse("checkin:forget"), {"who": me})
    assert client.get(reverse("checkin:scan", args=[gate.code])).status_code == 302


def test_clearing_all_forgets_everyone(world, gate) -> None:
    client = family(world, gate, n=3)
    response = client.post(reverse("checkin:forget"))
    assert "已清除" in response.content.decode()
    assert client.get(reverse("checkin:scan", args=[gate.code])).status_code == 302


def test_an_old_single_pass_cookie_still_works(world, gate) -> None:
    old = make_pass(make_person(world.building_a, "老住户"))
    client = Client()
    # What set_signed_cookie wrote before the phone kept a list.
    client.cookies[COOKIE_NAME] = signing.get_cookie_signer(
        salt=COOKIE_NAME + tokens.COOKIE_SALT
    ).sign(old.code)
    scan = reverse("checkin:scan", args=[gate.code])
    assert "点一下" in client.get(scan).content.decode()
    assert 'data-result="g"' in client.post(scan, tap_data()).content.decode()
    register(client, world, gate, "王大爷")
    assert phone_codes(client)[0] == old.code
    assert len(phone_codes(client)) == 2


def test_forged_or_altered_entries_are_dropped_and_the_rest_kept(world, gate) -> None:
    me = make_pass(make_person(world.building_a, "王小明"))
    parent = make_pass(make_person(world.building_a, "王大爷"))
    stranger = make_pass(make_person(world.building_b, "李陌生"))
    altered = signed(parent.code).replace(parent.code, stranger.code)
    client = Client()
    client.cookies[COOKIE_NAME] = "|".join(
        [signed(me.code), altered, f"{stranger.code}:forged", "garbage", signed(parent.code)]
    )
    assert phone_codes(client) == [me.code, parent.code]
    scan = reverse("checkin:scan", args=[gate.code])
    page = client.get(scan).content.decode()
    assert "王*明" in page
    assert "王*爷" in page
    assert "李*生" not in page
    refused = client.post(scan, tap_data(who=stranger.code))
    assert refused.status_code == 400
    assert not CheckIn.objects.exists()
    assert client.get(reverse("checkin:pass_qr"), {"p": stranger.code}).status_code == 404


def test_my_pass_shows_each_person_s_pass(world, gate) -> None:
    client = family(world, gate)
    me, parent = phone_codes(client)
    page = client.get(reverse("checkin:pass"), {"p": parent})
    body = page.content.decode()
    assert page.status_code == 200
    assert "从本机清除王*爷" in body
    assert f"?p={parent}" in body
    assert len(page.content) < 100_000
    svg = client.get(reverse("checkin:pass_qr"), {"p": parent})
    assert svg["Content-Type"] == "image/svg+xml"
    assert client.get(reverse("checkin:pass"), {"p": me}).context["pass"].code == me


def test_a_revoked_family_member_is_left_off_the_list(world, gate) -> None:
    client = family(world, gate)
    parent = Pass.objects.get(code=phone_codes(client)[1])
    parent.revoke(by=None)
    scan = reverse("checkin:scan", args=[gate.code])
    assert "王*爷" not in client.get(scan).content.decode()
    refused = client.post(scan, tap_data(who=parent.code, client_id=str(uuid.uuid4())))
    assert refused.status_code == 400
    assert "出入证已失效" in refused.content.decode()
    assert CheckIn.objects.filter(pass_used=parent).count() == 1  # its registration only


def test_names_that_mask_alike_are_numbered(world, gate) -> None:
    client = Client()
    register(client, world, gate, "王小明")
    register(client, world, gate, "王大明")
    body = client.get(reverse("checkin:scan", args=[gate.code])).content.decode()
    assert "王*明（1）" in body
    assert "王*明（2）" in body


def test_a_bad_family_registration_changes_nothing(world, gate) -> None:
    client = family(world, gate, n=1)
    codes = phone_codes(client)
    people = Person.objects.count()
    bad = register(client, world, gate, "王大爷", doc_number="410105199001011230")
    assert bad.status_code == 400
    assert "校验位" in bad.content.decode()
    assert COOKIE_NAME not in bad.cookies
    assert Person.objects.count() == people
    assert phone_codes(client) == codes


def test_a_full_phone_offers_to_replace_one_of_its_persons(world, gate) -> None:
    client = family(world, gate, n=6)
    codes = phone_codes(client)
    page = client.get(reverse("checkin:register", args=[gate.code]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="doc_number"' not in body, "no form until someone is chosen"
    assert body.count("替换此人") == 6
    for code in codes:
        assert f'name="replace" value="{code}"' in body
    assert 'data-confirm="用新登记的人替换本机保存的王*明？' in body
    assert "王小明" not in body, "names are masked"
    assert len(page.content) < 100_000
    # The choice page of a scan leads there.
    choose = client.get(reverse("checkin:scan", args=[gate.code])).content.decode()
    assert "为其他人登记" in choose


def test_a_new_person_takes_the_place_of_the_one_replaced(world, gate) -> None:
    client = family(world, gate, n=6)
    codes = phone_codes(client)
    url = reverse("checkin:register", args=[gate.code])
    page = client.get(url, {"replace": codes[2]})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="doc_number"' in body
    assert "本次登记将替换本机保存的<b>李*奶</b>" in body
    assert f'<input type="hidden" name="replace" value="{codes[2]}">' in body
    people = Person.objects.count()
    response = client.post(url, {**registration(world, name=NAMES[6]), "replace": codes[2]})
    assert response.status_code == 200
    assert 'data-result="g"' in response.content.decode()
    new = Pass.objects.get(person=persons_named(NAMES[6])[0])
    assert phone_codes(client) == [*codes[:2], new.code, *codes[3:]]
    assert Person.objects.count() == people + 1
    replaced = Pass.objects.get(code=codes[2])
    assert replaced.is_usable(), "the replaced person's pass stays valid"
    choose = client.get(reverse("checkin:scan", args=[gate.code])).content.decode()
    assert "王*六" in choose
    assert "李*奶" not in choose


def test_a_refused_replacement_changes_nothing(world, gate) -> None:
    client = family(world, gate, n=6)
    codes = phone_codes(client)
    people, passes = Person.objects.count(), Pass.objects.count()
    url = reverse("checkin:register", args=[gate.code])
    bad = registration(world, name=NAMES[6], doc_number="410105199001011230")
    response = client.post(url, {**bad, "replace": codes[2]})
    body = response.content.decode()
    assert response.status_code == 400
    assert "校验位" in body
    assert f'<input type="hidden" name="replace" value="{codes[2]}">' in body, "still replacing"
    assert COOKIE_NAME not in response.cookies
    assert (Person.objects.count(), Pass.objects.count()) == (people, passes)
    assert phone_codes(client) == codes


def test_replacing_someone_the_phone_does_not_hold_is_refused(world, gate) -> None:
    client = family(world, gate, n=6)
    codes = phone_codes(client)
    stranger = make_pass(make_person(world.building_b, "李陌生"))
    url = reverse("checkin:register", args=[gate.code])
    page = client.get(url, {"replace": stranger.code})
    assert page.status_code == 400
    assert "所选人员已不在本机登记中，请重新选择要替换的人" in page.content.decode()
    assert 'name="doc_number"' not in page.content.decode()
    people = Person.objects.count()
    refused = client.post(url, {**registration(world, name=NAMES[6]), "replace": stranger.code})
    assert refused.status_code == 400
    assert "已满" in refused.content.decode()
    assert Person.objects.count() == people
    assert phone_codes(client) == codes


def test_a_replacement_sent_again_gets_its_pass_back(world, gate) -> None:
    """The answer was shown (the phone now holds the new person) and the form is sent
    again — a reload's 重新提交: the same pass comes back, nobody else is dropped."""
    client = family(world, gate, n=6)
    codes = phone_codes(client)
    url = reverse("checkin:register", args=[gate.code])
    data = {**registration(world, name=NAMES[6]), "replace": codes[2]}
    assert client.post(url, data).status_code == 200
    after, people, rows = phone_codes(client), Person.objects.count(), CheckIn.objects.count()
    again = client.post(url, data)
    assert again.status_code == 200
    assert 'data-result="g"' in again.content.decode()
    assert phone_codes(client) == after
    assert (Person.objects.count(), CheckIn.objects.count()) == (people, rows)


def test_registering_someone_held_while_replacing_drops_nobody(world, gate) -> None:
    client = Client()
    url = reverse("checkin:register", args=[gate.code])
    parent = registration(world, name=NAMES[1])
    for name in NAMES[:6]:
        data = parent if name == NAMES[1] else registration(world, name=name)
        assert client.post(url, data).status_code == 200
    codes = phone_codes(client)
    again = {**parent, "client_id": str(uuid.uuid4()), "replace": codes[4]}
    assert client.post(url, again).status_code == 200
    assert phone_codes(client) == codes, "the parent was on the phone: no one replaced"


def test_a_phone_with_room_adds_instead_of_replacing(world, gate) -> None:
    client = family(world, gate, n=2)
    codes = phone_codes(client)
    url = reverse("checkin:register", args=[gate.code])
    page = client.get(url, {"replace": codes[0]})
    assert page.status_code == 200
    assert "本次登记将替换" not in page.content.decode()
    client.post(url, {**registration(world, name=NAMES[2]), "replace": codes[0]})
    assert phone_codes(client)[:2] == codes
    assert len(phone_codes(client)) == 3
