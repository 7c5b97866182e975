"""The 查看完整 buttons are forms with a real action: posted without htmx (scripts not
loaded, opened in a new tab) the answer is a whole page with the value and a way back,
not a bare fragment with no layout and no link."""

from django.urls import reverse

from shouwang.accounts.models import AuditEvent


def test_a_person_reveal_posted_without_htmx_is_a_page_with_a_way_back(world, ledger):
    client = world.client("staff_a")
    zhang = ledger.zhang
    response = client.post(reverse("people:person_reveal", args=[zhang.pk, "document"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "410105194001011230" in html
    assert "<html" in html
    assert f'href="{reverse("people:person", args=[zhang.pk])}"' in html
    assert "证件号码" in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).count() == 1


def test_a_landlord_phone_reveal_posted_without_htmx_links_back_to_the_household(world, ledger):
    home = ledger.home_a
    home.set_landlord_phone("13611112222")
    home.save()
    client = world.client("staff_a")
    response = client.post(reverse("people:household_reveal", args=[home.pk]))
    html = response.content.decode()
    assert "13611112222" in html
    assert f'href="{reverse("people:household", args=[home.pk])}"' in html


def test_the_htmx_reveal_still_answers_the_fragment_alone(world, ledger):
    client = world.client("staff_a")
    response = client.post(
        reverse("people:person_reveal", args=[ledger.zhang.pk, "phone"]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "13512345678" in html
    assert "<html" not in html
