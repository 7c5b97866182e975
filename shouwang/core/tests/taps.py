"""What the phone lists of taps (今日随访 in watch, 住户随访 in cases) have in common:
a header of counts that each htmx answer carries out of band, a refused tap that leaves
them alone, and a list page that only reads."""

from __future__ import annotations

import re


def header_counts(html: str, element_id: str, *, oob: bool) -> str:
    """The text after " · " of the header ``<p class="muted" id=element_id>``; ``oob``:
    the copy marked for an out-of-band swap (exactly one of each kind is expected)."""
    pattern = re.compile(rf'<p class="muted" id="{element_id}"( hx-swap-oob="true")?>(.*?)</p>')
    found = [text for marker, text in pattern.findall(html) if bool(marker) == oob]
    assert len(found) == 1, html
    return re.sub(r"<[^>]+>", "", found[0]).split(" · ")[1]


def assert_refused_keeps_counts(response, element_id: str) -> None:
    """A refused tap answers 400 with its error, and no counts to swap in."""
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error"' in html
    assert element_id not in html


def assert_reads_only(client, address: str) -> None:
    """The list answers GET and HEAD; a POST is 405 naming them."""
    assert client.get(address).status_code == 200
    assert client.head(address).status_code == 200
    refused = client.post(address)
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD"
