"""What a refused or failed request leaves in the log: a 403 is one warning line (the
audit log already records who was refused what), never a traceback that buries the
real errors; a 500 still logs its traceback as an error."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import include, path, reverse

from shouwang.core.tests.personas import World


def broken(request):
    raise RuntimeError("a real bug")


urlpatterns = [
    path("broken/", broken),
    path("", include("shouwang.urls")),
]


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("django.")]


@pytest.mark.django_db
def test_a_refused_request_logs_one_warning_line_without_a_traceback(world: World, caplog) -> None:
    caplog.set_level(logging.WARNING)
    response = world.client("guard_a").get(reverse("supplies:donation_create"))
    assert response.status_code == 403
    (record,) = request_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Forbidden (Permission denied): /supplies/donations/new/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
    assert "\n" not in caplog.text.strip()


@pytest.mark.django_db
def test_a_csrf_refusal_logs_one_warning_line(caplog) -> None:
    caplog.set_level(logging.WARNING)
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("accounts:login"), {"username": "x"}).status_code == 403
    assert [r.levelno for r in request_records(caplog)] == [logging.WARNING]
    assert "Traceback" not in caplog.text


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_server_error_still_logs_its_traceback(caplog) -> None:
    caplog.set_level(logging.WARNING)
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    (record,) = request_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert "RuntimeError: a real bug" in caplog.text
    assert "Traceback" in caplog.text
