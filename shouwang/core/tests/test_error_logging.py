"""What a refused or failed request leaves in the log: a 403, or a 400 for a bad Host
header or another suspicious request, is one warning line (the audit log already
records who was refused what), never a traceback that buries the real errors; a 500
still logs its traceback as an error."""

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


def _one_warning_line(caplog, logger: str) -> logging.LogRecord:
    (record,) = request_records(caplog)
    assert record.name == logger
    assert record.levelno == logging.WARNING
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
    assert len(caplog.text.strip().splitlines()) == 1
    return record


@pytest.mark.django_db
def test_a_bad_host_header_logs_one_warning_line(caplog) -> None:
    caplog.set_level(logging.WARNING)
    response = Client().get("/", HTTP_HOST="scanner.example")
    assert response.status_code == 400
    record = _one_warning_line(caplog, "django.security.DisallowedHost")
    assert record.getMessage().startswith("Invalid HTTP_HOST header: 'scanner.example'.")


@pytest.mark.django_db
def test_a_suspicious_request_body_logs_one_warning_line(world: World, caplog, settings) -> None:
    """Too many form fields (another SuspiciousOperation, raised when the body is
    read): a 400 and one warning line, no traceback."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    caplog.set_level(logging.WARNING)
    data = {f"f{n}": "x" for n in range(20)}
    response = world.client("hq").post(reverse("people:tags"), data)
    assert response.status_code == 400
    record = _one_warning_line(caplog, "django.security.TooManyFieldsSent")
    assert "exceeded" in record.getMessage()


def test_a_log_set_to_errors_only_drops_the_demoted_line(caplog) -> None:
    """Demoted to a warning after the logger's own level check: a deployment logging
    errors only does not get the line."""
    from django.core.exceptions import DisallowedHost

    logger = logging.getLogger("django.security.DisallowedHost")
    caplog.set_level(logging.ERROR)
    extra = {"status_code": 400, "request": None}
    logger.error("Invalid HTTP_HOST header", exc_info=DisallowedHost("x"), extra=extra)
    assert caplog.records == []
    caplog.set_level(logging.WARNING)
    logger.error("Invalid HTTP_HOST header", exc_info=DisallowedHost("x"), extra=extra)
    assert [(r.levelname, r.exc_info) for r in caplog.records] == [("WARNING", None)]


def test_every_suspicious_operation_django_logs_is_filtered() -> None:
    """Django logs a SuspiciousOperation on django.security.<its class name>: each
    class Django has must be one of the loggers the filter is on (an upgrade adding
    one fails here)."""
    import django.contrib.admin.exceptions
    import django.contrib.sessions.exceptions  # noqa: F401
    from django.conf import settings
    from django.core.exceptions import SuspiciousOperation

    from shouwang.core.logs import SUSPICIOUS_OPERATIONS

    def subclasses(cls: type) -> set[type]:
        return {cls} | {s for c in cls.__subclasses__() for s in subclasses(c)}

    django_classes = {
        c.__name__ for c in subclasses(SuspiciousOperation) if c.__module__.startswith("django.")
    }
    assert len(django_classes) >= 12
    assert django_classes <= set(SUSPICIOUS_OPERATIONS)
    filtered = {
        name
        for name, config in settings.LOGGING["loggers"].items()
        if "client_errors_without_traceback" in config.get("filters", [])
    }
    assert {f"django.security.{n}" for n in django_classes} <= filtered
