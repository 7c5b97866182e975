"""The Django admin as the HQ admins' back office: scoped, audited."""

from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import PASSWORD, UserFactory
from shouwang.areas.models import NAME_START_MESSAGE, Area, Grid
from shouwang.areas.tests.factories import child
from shouwang.core.tests.personas import World
from shouwang.core.tests.races import stale_first_call


def test_hq_opens_the_back_office(world: World) -> None:
    response = world.client("hq").get(reverse("admin:index"))
    assert response.status_code == 200
    assert "守望 · 后台管理" in response.content.decode()


def test_others_are_sent_to_the_admin_login(world: World) -> None:
    for persona in ("leader", "auditor", "staff_a"):
        response = world.client(persona).get(reverse("admin:index"))
        assert response.status_code == 302, persona


def test_it_lists_only_areas_of_the_subtree(world: World) -> None:
    response = world.client("hq").get(reverse("admin:areas_area_changelist"))
    names = {a.name for a in response.context["cl"].result_list}
    assert "明湖街道" in names
    assert "示范区" not in names


def test_a_change_is_audited(world: World) -> None:
    url = reverse("admin:areas_area_change", args=[world.building_a.pk])
    response = world.client("hq").post(
        url, {"name": "1号楼", "code": "B-1", "expected_households": "6", "notes": ""}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.object_id == str(world.building_a.pk)
    assert "code" in event.detail


def _outside(world: World):
    """A sub-district beside 明湖街道, with a compound and a staff member of its own."""
    other = child(world.district, "东湖街道")
    community = child(other, "东湖社区")
    compound = child(community, "东湖小区")
    outsider = UserFactory(
        username="outsider", full_name="东湖张三", role=Role.COMMUNITY_STAFF, area=community
    )
    return compound, outsider


def test_a_grids_choices_hold_only_the_subtree(world: World) -> None:
    _outside(world)
    url = reverse("admin:areas_grid_change", args=[world.grid_a.pk])
    form = world.client("hq").get(url).context["adminform"].form
    assert "东湖小区" not in {a.name for a in form.fields["compounds"].queryset}
    assert "outsider" not in {u.username for u in form.fields["staff"].queryset}


def test_a_grid_takes_no_compound_or_staff_from_outside_its_community(world: World) -> None:
    compound, outsider = _outside(world)
    url = reverse("admin:areas_grid_change", args=[world.grid_a.pk])
    client = world.client("hq")
    for compounds, staff in (
        ([compound.pk], []),
        ([world.compound_b.pk], []),
        ([world.compound_a.pk], [outsider.pk]),
        ([world.compound_a.pk], [world.staff_b.pk]),
    ):
        body = {"name": "西城第1网格", "notes": "", "compounds": compounds, "staff": staff}
        response = client.post(url, body)
        assert response.status_code == 200, (compounds, staff)  # the form again, with errors
        assert response.context["adminform"].form.errors
    assert list(world.grid_a.compounds.all()) == [world.compound_a]
    assert list(world.grid_a.staff.all()) == [world.grid_worker_a]


def test_its_login_is_the_apps_login(client, world: World) -> None:
    """The admin's own login form authenticated past the lockout and the audit log."""
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/backoffice/"


def test_its_login_form_takes_no_password(client, world: World) -> None:
    """Fifty wrong passwords there and the right one went through, unaudited, while the
    account was locked; now the post is sent to the app's login and signs nobody in."""
    for password in ("wrong-password", PASSWORD):
        response = client.post(
            reverse("admin:login"), {"username": "hq", "password": password, "next": "/"}
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("core:home")).status_code == 302  # still signed out


def test_a_locked_account_stays_locked_for_the_back_office(client, world: World) -> None:
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "hq", "password": "wrong-password"})
    response = client.post(
        f"{reverse('accounts:login')}?next=/backoffice/", {"username": "hq", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "已锁定" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_its_password_change_is_the_apps(world: World) -> None:
    response = world.client("hq").get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")


def test_renaming_a_node_to_a_siblings_name_is_refused(world: World) -> None:
    url = reverse("admin:areas_area_change", args=[world.building_a2.pk])
    for name in ("1号楼", "１ 号楼"):
        response = world.client("hq").post(
            url, {"name": name, "code": "", "expected_households": "4", "notes": ""}
        )
        assert response.status_code == 200, name  # the form again, with the error
        assert "“西城花园”下已有名为“1号楼”的节点，请换一个名称" in response.content.decode()
    assert world.building_a2.__class__.objects.get(pk=world.building_a2.pk).name == "2号楼"


def test_a_node_renamed_in_the_back_office_takes_the_imports_spelling(world: World) -> None:
    url = reverse("admin:areas_area_change", args=[world.building_a2.pk])
    response = world.client("hq").post(
        url, {"name": "２ 号楼Ａ", "code": "", "expected_households": "4", "notes": ""}
    )
    assert response.status_code == 302
    world.building_a2.refresh_from_db()
    assert world.building_a2.name == "2号楼A"


def test_renaming_a_grid_to_the_name_of_another_grid_is_refused(world: World) -> None:
    other = Grid.objects.create(name="第二网格", community=world.community_a)
    url = reverse("admin:areas_grid_change", args=[other.pk])
    response = world.client("hq").post(url, {"name": world.grid_a.name, "notes": ""})
    assert response.status_code == 200
    assert "本社区已有名为“西城第1网格”的网格" in response.content.decode()
    other.refresh_from_db()
    assert other.name == "第二网格"


def test_a_name_of_unseen_characters_only_is_refused_in_the_back_office(world: World) -> None:
    client = world.client("hq")
    node = reverse("admin:areas_area_change", args=[world.building_a2.pk])
    response = client.post(node, {"name": "\u200b", "code": "", "expected_households": "4"})
    assert response.status_code == 200  # the form again, with the error
    assert "名称不能为空" in response.content.decode()
    grid = reverse("admin:areas_grid_change", args=[world.grid_a.pk])
    response = client.post(grid, {"name": "\ufeff", "notes": "", "compounds": [], "staff": []})
    assert response.status_code == 200
    assert "名称不能为空" in response.content.decode()
    user = reverse("admin:accounts_user_change", args=[world.staff_a.pk])
    response = client.post(user, {"full_name": "\u200b"})
    assert response.status_code == 200
    assert "姓名不能为空" in response.content.decode()
    world.building_a2.refresh_from_db()
    world.grid_a.refresh_from_db()
    world.staff_a.refresh_from_db()
    assert (world.building_a2.name, world.grid_a.name) == ("2号楼", "西城第1网格")
    assert world.staff_a.full_name.strip()


def test_a_grid_renamed_in_the_back_office_takes_the_one_spelling(world: World) -> None:
    url = reverse("admin:areas_grid_change", args=[world.grid_a.pk])
    body = {"name": "西城第 １ 网格\u200b", "notes": "", "compounds": [world.compound_a.pk]}
    response = world.client("hq").post(url, body)
    assert response.status_code == 302
    world.grid_a.refresh_from_db()
    assert world.grid_a.name == "西城第1网格"


HELD = "“西城花园”已在网格“西城第1网格”中，一个小区只能属于一个网格。请先在该网格中去掉这个小区"


def test_a_compound_another_grid_holds_is_refused_with_both_names(world: World) -> None:
    second = Grid.objects.create(name="西城第2网格", community=world.community_a)
    url = reverse("admin:areas_grid_change", args=[second.pk])
    body = {"name": "西城第2网格", "notes": "改过", "compounds": [world.compound_a.pk]}
    response = world.client("hq").post(url, body)
    assert response.status_code == 200  # the form again, with the error
    assert HELD in response.content.decode()
    second.refresh_from_db()
    assert (second.notes, list(second.compounds.all())) == ("", [])
    assert list(world.compound_a.grid_set.all()) == [world.grid_a]


def test_a_compound_put_in_a_second_grid_at_the_same_moment_is_refused(world: World) -> None:
    """Both saves pass the form's check; the back office's write met the unique index
    and dropped the compound without a word (``compounds.set``), saving the rest."""
    second = Grid.objects.create(name="西城第2网格", community=world.community_a)
    url = reverse("admin:areas_grid_change", args=[second.pk])
    body = {"name": "西城第2网格", "notes": "改过", "compounds": [world.compound_a.pk]}
    with stale_first_call(Grid, "check_members", lambda *args, **kwargs: None):
        response = world.client("hq").post(url, body)
    assert response.status_code == 200
    assert HELD in response.content.decode()
    second.refresh_from_db()
    assert (second.notes, list(second.compounds.all())) == ("", [])
    assert list(world.compound_a.grid_set.all()) == [world.grid_a]
    assert not AuditEvent.objects.filter(object_id=str(second.pk)).exists()


def test_a_compound_refused_again_on_the_retry_is_the_form_error(world: World, monkeypatch) -> None:
    """Rivals keep taking the compound: every form check sees it free, every write is
    refused. The second refusal in a row is the form's error too, not a 500."""
    second = Grid.objects.create(name="西城第2网格", community=world.community_a)
    url = reverse("admin:areas_grid_change", args=[second.pk])
    body = {"name": "西城第2网格", "notes": "改过", "compounds": [world.compound_a.pk]}
    check = Grid.check_members
    calls: list[int] = []

    def form_check_stale(self, **kwargs) -> None:
        calls.append(1)
        if len(calls) % 2:  # the form's check; the write's check (even calls) is real
            return None
        return check(self, **kwargs)

    monkeypatch.setattr(Grid, "check_members", form_check_stale)
    response = world.client("hq").post(url, body)
    assert response.status_code == 200
    assert HELD in response.content.decode()
    second.refresh_from_db()
    assert (second.notes, list(second.compounds.all())) == ("", [])
    assert list(world.compound_a.grid_set.all()) == [world.grid_a]
    assert not AuditEvent.objects.filter(object_id=str(second.pk)).exists()


def test_expected_households_coverage_ignores_are_refused_in_the_back_office(
    world: World,
) -> None:
    client = world.client("hq")
    for area, message in (
        (world.compound_a, "“西城花园”已有楼栋，应有户数按各楼栋合计"),
        (world.community_a, "社区/村的应有户数不计入覆盖率"),
    ):
        url = reverse("admin:areas_area_change", args=[area.pk])
        body = {"name": area.name, "code": "", "expected_households": "30", "notes": ""}
        response = client.post(url, body)
        assert response.status_code == 200, area  # the form again, with the error
        assert message in response.content.decode()
        area.refresh_from_db()
        assert area.expected_households is None
    leaf = child(world.community_a, "东院")  # a compound without buildings counts
    url = reverse("admin:areas_area_change", args=[leaf.pk])
    response = client.post(url, {"name": "东院", "code": "", "expected_households": "30"})
    assert response.status_code == 302
    leaf.refresh_from_db()
    assert leaf.expected_households == 30


def test_expected_households_past_the_pages_maximum_are_refused_in_the_back_office(
    world: World,
) -> None:
    """SQLite checks no column range: 99,999,999,999 went in there, and 2**64 was a 500."""
    url = reverse("admin:areas_area_change", args=[world.building_a.pk])
    for households in ("10000001", "99999999999", str(2**64)):
        body = {"name": "1号楼", "code": "", "expected_households": households, "notes": ""}
        response = world.client("hq").post(url, body)
        assert response.status_code == 200, households  # the form again, with the error
        assert "10000000" in response.content.decode()
    world.building_a.refresh_from_db()
    assert world.building_a.expected_households == 4


def test_a_grid_member_id_no_database_integer_holds_is_refused(world: World) -> None:
    """Django's multiple choice put "99…9" into an IN list: an overflow, a 500."""
    url = reverse("admin:areas_grid_change", args=[world.grid_a.pk])
    for field in ("compounds", "staff"):
        body = {"name": "西城第1网格", "notes": "改过", field: ["9" * 25]}
        response = world.client("hq").post(url, body)
        assert response.status_code == 200, field  # the form again, with the error
        assert response.context["adminform"].form.errors[field]
    world.grid_a.refresh_from_db()
    assert world.grid_a.notes == ""


def test_a_node_name_a_spreadsheet_would_run_is_refused_in_the_back_office(world: World) -> None:
    url = reverse("admin:areas_area_change", args=[world.building_a2.pk])
    response = world.client("hq").post(
        url, {"name": "=SUM(A1)", "code": "", "expected_households": "4", "notes": ""}
    )
    assert response.status_code == 200  # the form again, with the error
    assert NAME_START_MESSAGE in response.content.decode()
    assert Area.objects.get(pk=world.building_a2.pk).name == "2号楼"
