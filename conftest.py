"""Test configuration shared by every app: plain static storage, the personas fixture."""

import pytest
from django.conf import settings
from django.test.signals import setting_changed
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings


def pytest_configure(config: pytest.Config) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Django may have been set up, and a task module imported, before this hook: drop
    # any task backend already built from the production setting.
    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test of the worker runs the scheduled jobs only when it asks for them.
    settings.SCHEDULED_JOBS = False


# The suite runs on shared 2-core machines: a slow example is the machine, not the code.
hypothesis_settings.register_profile(
    "shouwang", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("shouwang")

pytest_plugins = ["shouwang.core.tests.personas", "shouwang.core.tests.browser"]


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Per-process caches (pass rules, key areas, checkpoints by code) and the cache that
    holds rate-limit counts start empty."""
    from django.core.cache import cache

    from shouwang.checkpoints.actions import clear_rule_cache

    clear_rule_cache()
    cache.clear()
