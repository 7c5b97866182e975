"""The Content-Security-Policy: on every response, strict enough that markup slipped
into a page runs no script (the templates that it allows: test_inline_script.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

from shouwang.core.middleware import ContentSecurityPolicyMiddleware
from shouwang.core.tests.personas import World
from shouwang.core.tests.test_route_matrix import all_classified


def directives(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (d.split() for d in header.split(";"))}


def test_it_allows_scripts_only_from_the_apps_own_files() -> None:
    policy = settings.SECURE_CSP
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_every_route_answers_with_the_policy(grid_b: World) -> None:
    """Each classified route, as HQ (who may open nearly every page) and as an anonymous
    visitor (the residents' pages, the login redirects), and the back office."""
    seen_html = 0
    missing = []
    for persona in ("hq", "guard_a", "anonymous"):
        client = grid_b.client(persona)
        for name, route in sorted(all_classified().items()):
            url = reverse(name, kwargs=route.kwargs(grid_b) if route.kwargs else None)
            response = client.get(url)
            header = response.get("Content-Security-Policy", "")
            if "script-src 'self'" not in header:
                missing.append(f"GET {url} ({name}) as {persona} -> {response.status_code}")
            if response.get("Content-Type", "").startswith("text/html"):
                seen_html += 1
    admin = grid_b.client("hq").get(reverse("admin:areas_area_changelist"))
    assert admin.status_code == 200
    assert "script-src 'self'" in admin["Content-Security-Policy"]
    assert not missing, "\n".join(missing)
    assert seen_html > 100, seen_html


def test_the_header_reads_as_the_setting(client) -> None:
    header = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert directives(header) == settings.SECURE_CSP


def _settings_with(tmp_path: Path, csp: str) -> dict:
    env = os.environ | {
        "SHOUWANG_VAR": str(tmp_path),
        "SECURE_CSP": csp,
        "DJANGO_SETTINGS_MODULE": "shouwang.settings",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        " print(json.dumps(settings.SECURE_CSP))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_environment_replaces_the_policy(tmp_path: Path) -> None:
    policy = "default-src 'self'; img-src 'self' https://tiles.example.gov.cn ;"
    assert _settings_with(tmp_path, policy) == {
        "default-src": ["'self'"],
        "img-src": ["'self'", "https://tiles.example.gov.cn"],
    }


def test_an_empty_policy_in_the_environment_sends_none(tmp_path: Path, rf) -> None:
    assert _settings_with(tmp_path, "") == {}
    with override_settings(SECURE_CSP={}):
        response = ContentSecurityPolicyMiddleware(lambda _r: HttpResponse())(rf.get("/"))
    assert not response.has_header("Content-Security-Policy")
