"""Odd input on every page, as HQ (who reaches the most): no 500 anywhere.

Every classified route gets GET and POST with the usual parameter names all set to an
odd value (an integer no database holds, an impossible date, a NUL), and every POST
form a page shows is sent back with each field set to such a value.
"""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse

from shouwang.core.tests.personas import World
from shouwang.core.tests.test_route_matrix import all_classified

PARAMS = [
    *("page", "q", "area", "day", "date", "start", "end", "state", "kind", "status"),
    *("category", "community", "tag", "mine", "all", "checkpoint", "hops", "window"),
    *("residence_type", "item", "location", "grid", "person", "role", "action", "result"),
    *("direction", "indicator", "code", "days", "next", "purpose", "token", "measure"),
    *("source", "classification", "id", "pk"),
]
ODD = ["99999999999999999999", "2020-02-30", "a\x00b", "-1"]


class PostForms(HTMLParser):
    """The POST forms of a page: action and field names."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._fields: set[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = set()
            self.forms.append((a.get("action") or "", self._fields))
        elif (
            tag in ("input", "select", "textarea")
            and self._fields is not None
            and a.get("name") not in (None, "csrfmiddlewaretoken")
        ):
            self._fields.add(str(a["name"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None


def test_no_page_answers_odd_input_with_a_500(grid_b: World) -> None:
    world = grid_b
    client = world.client("hq")
    failures = []
    forms: dict[str, set[str]] = {}
    for name, route in sorted(all_classified().items()):
        url = reverse(name, kwargs=route.kwargs(world) if route.kwargs else None)
        for value in ODD:
            for method in ("get", "post"):
                status = getattr(client, method)(url, dict.fromkeys(PARAMS, value)).status_code
                if status >= 500:
                    failures.append(f"{method.upper()} {url} ({name}) {value!r}: {status}")
        page = client.get(url)
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            parser = PostForms()
            parser.feed(page.content.decode())
            for action, fields in parser.forms:
                forms.setdefault(action or url, set()).update(fields)
    for action, fields in sorted(forms.items()):
        for value in ODD:
            status = client.post(action, dict.fromkeys(fields, value)).status_code
            if status >= 500:
                failures.append(f"POST form {action} {value!r}: {status}")
    assert not failures, "\n".join(failures)
