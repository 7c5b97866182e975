"""HQ and community pages: checkpoints, posters, rules, pass cards."""

from __future__ import annotations

import io
import time
import uuid
from datetime import time as datetime_time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas.tests.factories import child as child_area

from .. import printing, tokens
from ..actions import pass_for_token, rule_for
from ..models import Checkpoint, Pass, PassRule
from .factories import make_checkpoint, make_pass, make_person

pytestmark = pytest.mark.django_db


def test_community_staff_create_a_checkpoint_with_staff(world) -> None:
    client = world.client("staff_a")
    assert client.get(reverse("checkpoints:create")).status_code == 200
    response = client.post(
        reverse("checkpoints:create"),
        _checkpoint_data(
            world.compound_a, opens_at="06:00", closes_at="22:00", staff=[world.guard_a.pk]
        ),
    )
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get()
    assert list(checkpoint.staff.all()) == [world.guard_a]
    assert len(checkpoint.code) >= 16
    assert not checkpoint.code.isdigit()
    assert AuditEvent.objects.filter(action="create", object_type="checkpoints.Checkpoint").exists()


def test_a_checkpoint_cannot_be_put_in_another_community(world) -> None:
    response = world.client("staff_a").post(
        reverse("checkpoints:create"),
        {"area": world.compound_b.pk, "name": "越界门", "kind": "gate", "directions": "both"},
    )
    assert response.status_code == 400
    assert not Checkpoint.objects.exists()


def test_hours_are_both_or_none(world) -> None:
    response = world.client("staff_a").post(
        reverse("checkpoints:create"),
        {
            "area": world.compound_a.pk,
            "name": "半天门",
            "kind": "gate",
            "directions": "both",
            "opens_at": "06:00",
        },
    )
    assert response.status_code == 400
    assert "要么都填" in response.content.decode()


def test_codes_are_random_and_rotatable(world) -> None:
    a, b = make_checkpoint(world.compound_a), make_checkpoint(world.compound_a)
    assert a.code != b.code
    old = a.code
    world.client("staff_a").post(reverse("checkpoints:rotate", args=[a.pk]))
    a.refresh_from_db()
    assert a.code != old


def test_a_rotated_code_stops_the_old_posters_at_once(world) -> None:
    """The message says the old QR code no longer works; a scan made just before had
    left the checkpoint in this process's cache, where the old code kept working."""
    gate = make_checkpoint(world.compound_a)
    old = gate.code
    assert Client().get(reverse("checkin:register", args=[old])).status_code == 200
    response = world.client("staff_a").post(reverse("checkpoints:rotate", args=[gate.pk]))
    assert response.status_code == 302
    gate.refresh_from_db()
    assert Client().get(reverse("checkin:register", args=[old])).status_code == 404
    assert Client().get(reverse("checkin:register", args=[gate.code])).status_code == 200
    assert AuditEvent.objects.filter(object_id=str(gate.pk), detail="更换二维码").exists()


def test_a_checkpoint_stopped_or_given_new_hours_is_scanned_so_at_once(world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园西门")
    url = reverse("checkin:register", args=[gate.code])
    assert Client().get(url).status_code == 200
    edit = {
        "area": world.compound_a.pk,
        "name": "西城花园西门",
        "kind": "gate",
        "directions": "both",
        "active": "on",
    }
    now = timezone.localtime()
    closed = {
        "opens_at": f"{(now + timedelta(hours=2)):%H}:00",
        "closes_at": f"{(now + timedelta(hours=3)):%H}:00",
    }
    client = world.client("staff_a")
    response = client.post(reverse("checkpoints:edit", args=[gate.pk]), edit | closed)
    assert response.status_code == 302
    assert "现在未开放" in Client().get(url).content.decode()
    edit.pop("active")
    assert client.post(reverse("checkpoints:edit", args=[gate.pk]), edit).status_code == 302
    assert Client().get(url).status_code == 404


def test_the_list_and_detail_pages(world, django_assert_max_num_queries) -> None:
    for i in range(6):
        make_checkpoint(world.compound_a, f"门{i}")
    client = world.client("staff_a")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("checkpoints:list"))
    assert page.content.decode().count("门") >= 6
    detail = client.get(reverse("checkpoints:detail", args=[Checkpoint.objects.first().pk]))
    assert detail.status_code == 200


def test_the_poster_button_gives_an_a4_pdf_per_checkpoint(world) -> None:
    for i in range(3):
        make_checkpoint(world.compound_a, f"门{i}")
    make_checkpoint(world.compound_b, "八一门")
    response = world.client("staff_a").get(reverse("checkpoints:posters"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    text = reader.pages[0].extract_text()
    assert "明湖街道" in text
    assert "门0" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


@pytest.mark.parametrize(
    "name",
    [
        "东门",
        "郑新快速路与商都路口东卡点",  # 13 characters: the title took a second line
        "郑州市金水区明湖街道西城社区西城花园小区东门临时疫情防控检查卡点",
        "🚧西城花园东门🏠",
        "𠮷𡈼村口" + "长" * 96,  # the longest name a checkpoint may have
    ],
)
def test_a_long_name_leaves_the_qr_code_and_instructions_on_the_poster(world, name) -> None:
    from weasyprint import HTML

    checkpoint = make_checkpoint(world.compound_a, name)
    document = HTML(string=printing.posters_html([checkpoint], base_url="https://x.cn")).render()
    assert len(document.pages) == 1
    boxes = list(_boxes(document.pages[0]._page_box))

    laid_out = {b.element.get("class"): b for b in boxes if b.element is not None}
    assert "qr" in laid_out, "the QR code is pushed off the poster"
    foot_top, qr = laid_out["foot"].position_y, laid_out["qr"]
    assert qr.position_y + qr.height <= foot_top
    lines = [
        b
        for b in boxes
        if type(b).__name__ == "LineBox" and b.element is not None and b.element.tag == "li"
    ]
    assert max(b.position_y + b.height for b in lines) <= foot_top
    shown = "".join(t.text for line in lines for t in _boxes(line) if hasattr(t, "text"))
    assert shown == "".join(printing.INSTRUCTIONS)


def test_the_posters_command_prints_every_checkpoint_quickly(world, tmp_path) -> None:
    for i in range(5):
        make_checkpoint(world.compound_a, f"门{i}")
    out = tmp_path / "posters.pdf"
    started = time.perf_counter()
    call_command("posters", output=str(out), base_url="https://sw.example.cn")
    assert time.perf_counter() - started < 10
    assert out.read_bytes().startswith(b"%PDF")


def test_the_posters_command_asks_where_residents_reach_the_server(
    world, tmp_path, settings
) -> None:
    settings.SHOUWANG_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["fk.example.gov.cn"]
    make_checkpoint(world.compound_a, "东门")
    out = tmp_path / "posters.pdf"
    with pytest.raises(CommandError, match="SHOUWANG_PUBLIC_URL"):
        call_command("posters", output=str(out))
    assert not out.exists()
    settings.SHOUWANG_PUBLIC_URL = "https://fk.example.gov.cn"
    call_command("posters", output=str(out))
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "base_url",
    ["fk.example.gov.cn", "www.fk.example.gov.cn/", "ftp://fk.example.gov.cn", "https://"],
)
def test_the_posters_command_refuses_an_address_a_phone_would_not_open(
    world, tmp_path, settings, base_url
) -> None:
    """Without http:// or https:// the QR code holds plain text: a phone's scanner shows
    it instead of opening the page, and every poster printed is dead."""
    make_checkpoint(world.compound_a, "东门")
    out = tmp_path / "posters.pdf"
    with pytest.raises(CommandError, match="以 http:// 或 https:// 开头"):
        call_command("posters", output=str(out), base_url=base_url)
    settings.SHOUWANG_PUBLIC_URL = base_url
    with pytest.raises(CommandError, match="以 http:// 或 https:// 开头"):
        call_command("posters", output=str(out))
    assert not out.exists()


def test_the_posters_command_prints_the_local_demo_with_a_warning(
    world, tmp_path, settings
) -> None:
    settings.SHOUWANG_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    make_checkpoint(world.compound_a, "东门")
    out, err = tmp_path / "posters.pdf", io.StringIO()
    call_command("posters", output=str(out), stdout=io.StringIO(), stderr=err)
    assert out.read_bytes().startswith(b"%PDF")
    assert "未设置 SHOUWANG_PUBLIC_URL，二维码指向本机 http://127.0.0.1:8000" in err.getvalue()


@pytest.mark.parametrize("cards", [False, True])
def test_the_posters_command_says_in_chinese_where_it_cannot_write(world, tmp_path, cards) -> None:
    """A mistyped folder ended 100 posters' work in an English traceback; it is said
    before the PDF is laid out, naming the file."""
    make_pass(make_person(world.building_a), kind=Pass.Kind.CARD)
    make_checkpoint(world.compound_a, "东门")
    out = tmp_path / "no-such-folder" / "posters.pdf"
    with pytest.raises(CommandError, match="无法写入.*no-such-folder.*请检查目录是否存在"):
        call_command("posters", output=str(out), base_url="https://sw.example.cn", cards=cards)
    assert not out.exists()


def test_rules_are_inherited_and_editable(world) -> None:
    assert rule_for(world.building_a).visitors == PassRule.Visitors.REGISTERED
    client = world.client("staff_a")
    response = client.post(
        reverse("checkpoints:rule_edit", args=[world.community_a.pk]),
        {"visitors": "refused", "outing_quota": "1"},
    )
    assert response.status_code == 302
    rule = rule_for(world.compound_a)
    assert (rule.visitors, rule.outing_quota) == ("refused", 1)
    client.post(
        reverse("checkpoints:rule_edit", args=[world.compound_a.pk]),
        {"visitors": "allowed", "outing_quota": ""},
    )
    assert rule_for(world.compound_a).visitors == "allowed"
    assert rule_for(world.community_a).visitors == "refused"
    assert (
        client.get(reverse("checkpoints:rule_edit", args=[world.building_a.pk])).status_code == 404
    )


def test_cards_are_issued_printed_and_revoked(world) -> None:
    person = make_person(world.building_a, "钱老人")
    client = world.client("staff_a")
    response = client.post(
        reverse("checkpoints:card_issue"),
        {"client_id": str(uuid.uuid4()), "doc_number": person.document_number},
    )
    assert response.status_code == 302
    card = Pass.objects.get(kind="card")
    assert pass_for_token(tokens.card_token(card.code)) == card
    pdf = client.get(reverse("checkpoints:card_pdf", args=[card.pk]))
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("checkpoints:cards_pdf")).content.startswith(b"%PDF")
    page = client.get(reverse("checkpoints:passes")).content.decode()
    assert "钱老人" in page
    assert person.document_number not in page
    client.post(reverse("checkpoints:pass_revoke", args=[card.pk]))
    card.refresh_from_db()
    assert card.revoked_at is not None
    with pytest.raises(tokens.TokenRejected):
        pass_for_token(tokens.card_token(card.code))


def test_a_sheet_of_cards_reads_their_places_in_one_query(world) -> None:
    """Each card's place (西城社区西城花园1号楼) was read with a query of its own: 400
    cards of a sheet, 400 queries."""
    client = world.client("staff_a")
    make_pass(make_person(world.building_a, "钱老人"), kind="card")
    client.get(reverse("checkpoints:cards_pdf"))  # the session's first request reads more
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("checkpoints:cards_pdf")).status_code == 200
    for n in range(3, 7):
        make_pass(make_person(child_area(world.compound_a, f"{n}号楼"), f"孙老人{n}"), kind="card")
    make_pass(make_person(world.building_a2, "李老人"), kind="card")
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("checkpoints:cards_pdf"))
    assert len(six) == len(one)
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "".join(page.extract_text() for page in pages).replace("\n", "")
    assert "明湖街道西城社区西城花园1号楼" in text
    assert "明湖街道西城社区西城花园6号楼" in text
    assert "示范区" not in text


def test_cards_beyond_one_pdf_are_printed_in_further_batches(world, monkeypatch) -> None:
    """The batch print stopped at 400 cards without a word: a community with 600 had
    200 people without a printed card and no way to print them."""
    monkeypatch.setattr(printing, "CARDS_PER_PDF", 2)
    for name in ["钱老人", "孙老人", "李老人"]:  # issued oldest first
        make_pass(make_person(world.building_a, name, room=name), kind="card")
    client = world.client("staff_a")
    page = client.get(reverse("checkpoints:passes")).content.decode()
    first, second = (
        reverse("checkpoints:cards_pdf") + "?batch=1",
        reverse("checkpoints:cards_pdf") + "?batch=2",
    )
    assert f'href="{first}">批量打印第1–2张' in page
    assert f'href="{second}">批量打印第3–3张' in page

    def names(url: str) -> str:
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        pages = PdfReader(io.BytesIO(response.content)).pages
        return "".join(p.extract_text() for p in pages)

    text = names(first)
    assert "钱老人" in text
    assert "孙老人" in text
    assert "李老人" not in text
    assert "李老人" in names(second)
    response = client.get(reverse("checkpoints:cards_pdf") + "?batch=0")
    assert response.status_code == 400
    assert "批次" in response.content.decode()
    response = client.get(reverse("checkpoints:cards_pdf") + "?batch=3", follow=True)
    assert "没有第3批" in response.content.decode()


def test_passes_are_searched_by_id_number_without_putting_it_in_a_url(world) -> None:
    # A typed ID number goes by POST, as in the ledger's search: a GET form put it in
    # the URL, the browser history and the web server's access log.
    wanted = make_person(world.building_a, "钱老人")
    make_pass(wanted, kind="card")
    make_pass(make_person(world.building_a, "孙老人", room="102"), kind="card")
    client = world.client("staff_a")
    page = client.get(reverse("checkpoints:passes")).content.decode()
    assert 'method="get"' not in page
    found = client.post(reverse("checkpoints:passes"), {"q": wanted.document_number})
    assert found.status_code == 200
    assert "钱老人" in found.content.decode()
    assert "孙老人" not in found.content.decode()
    by_url = client.get(reverse("checkpoints:passes"), {"q": wanted.document_number})
    assert "孙老人" in by_url.content.decode(), "a number in a URL is not a search"


def test_a_pass_kind_filter_without_a_number_stays_a_link(world) -> None:
    make_pass(make_person(world.building_a, "钱老人"), kind="card")
    make_pass(make_person(world.building_a, "孙老人", room="102"))
    response = world.client("staff_a").post(reverse("checkpoints:passes"), {"kind": "card"})
    assert response.status_code == 302
    assert response["Location"] == reverse("checkpoints:passes") + "?kind=card"


def test_a_card_for_someone_outside_the_area_is_refused(world) -> None:
    person_b = make_person(world.building_b, "孙八一")
    world.client("staff_a").post(
        reverse("checkpoints:card_issue"),
        {"client_id": str(uuid.uuid4()), "doc_number": person_b.document_number},
    )
    assert not Pass.objects.exists()


def test_a_card_valid_until_a_past_day_is_not_issued(world) -> None:
    person = make_person(world.building_a, "钱老人")
    yesterday = timezone.localdate() - timedelta(days=1)
    response = world.client("staff_a").post(
        reverse("checkpoints:card_issue"),
        {
            "client_id": str(uuid.uuid4()),
            "doc_number": person.document_number,
            "valid_until": yesterday.isoformat(),
        },
        follow=True,
    )
    assert not Pass.objects.exists()
    said = [str(m) for m in response.context["messages"]]
    assert said == ["有效期不能早于今天"]


def test_the_guard_console_index_goes_to_the_only_post(world) -> None:
    gate = make_checkpoint(world.compound_a)
    gate.staff.add(world.guard_a)
    response = world.client("guard_a").get(reverse("checkpoints:console"))
    assert response["Location"] == reverse("checkpoints:console_post", args=[gate.pk])


def test_make_pass_is_usable(world) -> None:
    assert make_pass(make_person(world.building_a)).is_usable()


def test_the_console_button_shows_only_to_those_who_may_open_it(world) -> None:
    gate = make_checkpoint(world.compound_a, "北门")
    console = reverse("checkpoints:console_post", args=[gate.pk])
    for persona, shown in (("staff_a", True), ("grid_a", False)):
        client = world.client(persona)
        page = client.get(reverse("checkpoints:detail", args=[gate.pk]))
        assert page.status_code == 200
        assert (console in page.content.decode()) is shown
        assert client.get(console).status_code == (200 if shown else 403)


def _checkpoint_data(area, **extra) -> dict:
    return {
        "area": area.pk,
        "name": "西城花园西门",
        "kind": "gate",
        "directions": "both",
        "active": "on",
        **extra,
    }


def test_equal_opening_and_closing_times_are_refused(world) -> None:
    response = world.client("hq").post(
        reverse("checkpoints:create"),
        _checkpoint_data(world.compound_a, opens_at="00:00", closes_at="00:00"),
    )
    assert response.status_code == 400
    assert "24小时开放请都留空" in response.content.decode()
    assert not Checkpoint.objects.exists()


def test_hours_across_midnight_are_kept(world) -> None:
    response = world.client("hq").post(
        reverse("checkpoints:create"),
        _checkpoint_data(world.compound_a, opens_at="20:00", closes_at="06:00"),
    )
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.hours_label == "20:00–次日06:00"
    at = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    assert checkpoint.is_open_at(at)
    assert checkpoint.is_open_at(at.replace(hour=3))
    assert checkpoint.is_open_at(at.replace(hour=20))
    assert not checkpoint.is_open_at(at.replace(hour=6))
    assert not checkpoint.is_open_at(at.replace(hour=12))


def test_overnight_hours_read_as_overnight_wherever_they_are_shown(world) -> None:
    """Hours shown as 22:00–06:00 read as a day shift ending before it began; every page, the
    poster's text and the audit say the closing time is the next day's."""
    client = world.client("staff_a")
    assert "早于开放时间表示次日关闭" in client.get(reverse("checkpoints:create")).content.decode()
    response = client.post(
        reverse("checkpoints:create"),
        _checkpoint_data(world.compound_a, opens_at="22:00", closes_at="06:00"),
    )
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get()
    pages = [
        client.get(reverse("checkpoints:list")),
        client.get(reverse("checkpoints:detail", args=[checkpoint.pk])),
        world.client("guard_a").get(reverse("checkpoints:console_post", args=[checkpoint.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert "22:00–次日06:00" in text
        assert "22:00–06:00" not in text
    event = AuditEvent.objects.filter(object_type="checkpoints.Checkpoint").latest("pk")
    assert "22:00–06:00" not in event.detail
    poster = client.get(reverse("checkpoints:poster", args=[checkpoint.pk]))
    text = PdfReader(io.BytesIO(poster.content)).pages[0].extract_text()
    assert "22:00–次日06:00" in text


def test_hours_ending_at_midnight_read_as_24_00(world) -> None:
    checkpoint = make_checkpoint(
        world.compound_a, "夜市口", opens_at=datetime_time(18), closes_at=datetime_time(0)
    )
    assert checkpoint.hours_label == "18:00–24:00"
    at = timezone.localtime().replace(hour=23, minute=59, second=0, microsecond=0)
    assert checkpoint.is_open_at(at)
    assert not checkpoint.is_open_at(at.replace(hour=0, minute=0))
    assert not checkpoint.is_open_at(at.replace(hour=3))


def test_staff_who_could_not_open_the_post_are_not_assigned(world) -> None:
    guard_b = UserFactory(username="guard_b", role=Role.CHECKPOINT_STAFF, area=world.community_b)
    client = world.client("hq")
    response = client.post(
        reverse("checkpoints:create"),
        _checkpoint_data(world.compound_a, staff=[guard_b.pk, world.guard_a.pk]),
    )
    assert response.status_code == 400
    assert "不在本卡点所在辖区" in response.content.decode()
    assert not Checkpoint.objects.exists()
    # A sub-district's own road checkpoint: a community's guard cannot open it either.
    response = client.post(
        reverse("checkpoints:create"),
        _checkpoint_data(world.subdistrict, name="明湖路口", kind="road", staff=[world.guard_a.pk]),
    )
    assert response.status_code == 400
    assert not Checkpoint.objects.exists()
    response = client.post(
        reverse("checkpoints:create"), _checkpoint_data(world.compound_a, staff=[world.guard_a.pk])
    )
    assert response.status_code == 302
    post = Checkpoint.objects.get()
    assert world.client("guard_a").get(reverse("checkpoints:console")).url == reverse(
        "checkpoints:console_post", args=[post.pk]
    )


def test_a_quota_of_zero_is_shown_as_no_outings_not_unlimited(world) -> None:
    """0 is enforced (every outing is red): the pages and the audit must not say 不限."""
    client = world.client("staff_a")
    response = client.post(
        reverse("checkpoints:rule_edit", args=[world.compound_a.pk]),
        {"visitors": "registered", "outing_quota": "0"},
    )
    assert response.status_code == 302
    assert rule_for(world.building_a).outing_quota == 0
    rules_page = client.get(reverse("checkpoints:rules")).content.decode()
    row = rules_page.split(f"<td>{world.compound_a.name}</td>", 1)[1].split("</tr>", 1)[0]
    assert "暂停外出" in row
    assert "不限" not in row
    form_page = client.get(reverse("checkpoints:rule_edit", args=[world.compound_a.pk]))
    assert "每户每天外出上限 0（暂停外出）" in form_page.content.decode()
    event = AuditEvent.objects.filter(object_type="checkpoints.PassRule").latest("pk")
    assert "每户每天外出上限：0（暂停外出）" in event.detail


def test_the_audit_entry_of_a_checkpoint_edit_says_what_changed(world) -> None:
    """Hours, roster, area, name: the entry keeps what they were (it is shown under the
    checkpoint's new name)."""
    gate = make_checkpoint(world.compound_a, "西城花园西门")
    gate.staff.set([world.guard_a])
    response = world.client("staff_a").post(
        reverse("checkpoints:edit", args=[gate.pk]),
        {
            "area": world.community_a.pk,
            "name": "西城花园北门",
            "kind": "gate",
            "directions": "in",
            "opens_at": "22:00",
            "closes_at": "06:00",
            "active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="update", object_id=str(gate.pk)).latest("pk")
    assert event.detail == (
        f"所属辖区 {world.compound_a.name}→{world.community_a.name}；"
        "卡点名称 西城花园西门→西城花园北门；通行方向 进出→只进；"
        f"开放时间 24小时→22:00–次日06:00；值守人员 移出{world.guard_a}"
    )


def test_a_checkpoint_name_is_one_spelling(world) -> None:
    """A zero-width space pasted from a chat made a second 东门 beside the first (the
    same on every page and poster); a line break went onto the poster."""
    client = world.client("staff_a")
    form = {"area": world.compound_a.pk, "kind": "gate", "directions": "both", "active": "on"}
    assert client.post(reverse("checkpoints:create"), form | {"name": "东门"}).status_code == 302
    response = client.post(reverse("checkpoints:create"), form | {"name": "东\u200b门"})
    assert response.status_code == 400
    assert "该辖区已有同名卡点" in response.content.decode()
    response = client.post(reverse("checkpoints:create"), form | {"name": "\u200b"})
    assert response.status_code == 400
    assert "名称不能为空（只有空格或不可见字符）" in response.content.decode()
    response = client.post(reverse("checkpoints:create"), form | {"name": "西门\n（北侧）"})
    assert response.status_code == 302
    assert sorted(Checkpoint.objects.values_list("name", flat=True)) == ["东门", "西门（北侧）"]


def test_community_staff_editing_a_checkpoint_keep_the_staff_they_cannot_see(world) -> None:
    """The sub-district posted a volunteer of its own to a compound gate: community
    staff, who cannot see that account, change the hours and the volunteer stays."""
    gate = make_checkpoint(world.compound_a, "西城花园西门")
    volunteer = UserFactory(role=Role.CHECKPOINT_STAFF, area=world.subdistrict)
    gate.staff.set([volunteer, world.guard_a])
    response = world.client("staff_a").post(
        reverse("checkpoints:edit", args=[gate.pk]),
        _checkpoint_data(
            world.compound_a, opens_at="06:00", closes_at="22:00", staff=[world.guard_a.pk]
        ),
    )
    assert response.status_code == 302
    assert set(gate.staff.all()) == {volunteer, world.guard_a}
