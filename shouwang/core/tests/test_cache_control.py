"""Pages, files and API answers carrying personal data are never stored by a browser or
a proxy: a shared office computer's cache, or the back button after logging out, must
not show the ledger to the next person."""

import pytest
from django.urls import reverse

from shouwang.people.tests.factories import make_household, make_person
from shouwang.watch.tests import factories as watch_factories

pytestmark = pytest.mark.django_db


def assert_not_stored(response) -> None:
    assert response.status_code == 200, response.status_code
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control, cache_control
    assert "private" in cache_control, cache_control


def test_a_ledger_page_is_not_stored(world) -> None:
    person = make_person(make_household(world.building_a))
    assert_not_stored(world.client("staff_a").get(reverse("people:person", args=[person.pk])))


def test_an_export_is_not_stored(world) -> None:
    make_person(make_household(world.building_a))
    response = world.client("staff_a").post(reverse("people:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert_not_stored(response)


def test_an_api_answer_is_not_stored(world) -> None:
    assert_not_stored(world.client("grid_a").get(reverse("api:watch_today")))


def test_a_key_persons_own_page_is_not_stored(world) -> None:
    record = watch_factories.key_person(world.building_a, "孙八")
    response = world.client("anonymous").get(
        reverse("watch:self_report", args=[record.self_report_token()])
    )
    assert "no-store" in response.get("Cache-Control", "")
