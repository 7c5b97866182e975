"""No role is shown an action it cannot perform.

On the tiny demo (it has rows of every kind, so lists link to detail pages), each demo
login walks the pages reachable from its home page, one page per URL name. Every link
and ``hx-get`` it is shown must answer without 403, 404 or 5xx; every POST form and
``hx-post`` must go to a view whose capability the role holds, and, submitted empty in
a rolled-back savepoint, must not be refused (403) by a check inside the view.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from shouwang.accounts.models import User

LOGINS = ["hq", "leader", "auditor", "staff_a", "grid_a", "guard"]  # one per role
# Not walked: signing out ends the walk; the Django admin is Django's.
NOT_WALKED = {"accounts:logout"}
# Documents are slow to build and link nowhere: their capability is checked, not fetched
# (each app's tests fetch them).
DOCUMENTS = (".pdf", ".xlsx", ".png", ".svg")


class Actions(HTMLParser):
    """The GET targets (links, GET forms, hx-get) and POST targets on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.gets: list[str] = []
        self.posts: list[str] = []
        self._form_method = "get"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.gets.append(a["href"])
        if tag == "form":
            self._form_method = (a.get("method") or "get").lower()
            target = self.posts if self._form_method == "post" else self.gets
            target.append(a.get("action", "") or "")
        if tag in ("button", "input") and a.get("formaction"):
            method = (a.get("formmethod") or self._form_method).lower()
            (self.posts if method == "post" else self.gets).append(a["formaction"])
        if a.get("hx-get"):
            self.gets.append(a["hx-get"])
        for verb in ("hx-post", "hx-put", "hx-patch", "hx-delete"):
            if a.get(verb):
                self.posts.append(a[verb])


def local_path(page: str, href: str) -> str | None:
    url = urlsplit(urljoin(f"http://testserver{page}", href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def url_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def missing_capability(user: User, path: str) -> str | None:
    needed = getattr(resolve(urlsplit(path).path).func, "capability", None)
    return needed if needed and not user.can(needed) else None


def refused_post(client: Client, path: str) -> int:
    """The status of an empty POST to ``path``, rolled back whatever it did."""
    with transaction.atomic():
        status = client.post(path, HTTP_HX_REQUEST="true").status_code
        transaction.set_rollback(True)
    return status


def walk(username: str) -> list[str]:
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    problems: list[str] = []
    seen_names: set[str] = set()
    checked_posts: set[str] = set()
    queue = deque([(reverse("core:home"), "导航")])
    queued: set[str] = set()
    while queue:
        path, source = queue.popleft()
        name = url_name(path)
        if name is None:
            problems.append(f"{path} (linked from {source}) resolves to no view")
            continue
        if name in seen_names or name in NOT_WALKED or name.startswith("admin:"):
            continue
        seen_names.add(name)
        if urlsplit(path).path.endswith(DOCUMENTS):
            if needed := missing_capability(user, path):
                problems.append(f"GET {path} ({name}) needs {needed}, linked from {source}")
            continue
        response = client.get(path)
        status = response.status_code
        if status in (403, 404) or status >= 500:
            problems.append(f"GET {path} ({name}) -> {status}, linked from {source}")
            continue
        if status in (301, 302):
            location = response["Location"]
            if location.startswith(reverse("accounts:login")):
                problems.append(f"GET {path} ({name}) -> sign-in, linked from {source}")
            elif (target := local_path(path, location)) is not None:
                queue.append((target, f"{path} (redirect)"))
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        page = Actions()
        page.feed(response.content.decode())
        for href in page.gets:
            target = local_path(path, href)
            if target is not None and target not in queued:
                queued.add(target)
                queue.append((target, path))
        for action in page.posts:
            target = local_path(path, action)
            post_name = target and url_name(target)
            if not post_name or post_name in NOT_WALKED or post_name in checked_posts:
                continue
            checked_posts.add(post_name)
            if needed := missing_capability(user, target):
                problems.append(f"POST {target} ({post_name}) needs {needed}, shown on {path}")
            elif (status := refused_post(client, target)) == 403:
                problems.append(f"POST {target} ({post_name}) -> 403, shown on {path}")
    return problems


def test_no_role_is_shown_an_action_it_cannot_take(db) -> None:
    call_command("demo", "--no-serve", "--size", "tiny", stdout=StringIO())
    problems = [f"{username}: {p}" for username in LOGINS for p in walk(username)]
    assert not problems, "\n".join(problems)
