"""The report pages as tests reach them: addresses, the on-time setting, and the
forms as the browser posts them back."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

# A grace period of three days: the last closed day may still be reported on time.
ON_TIME = override_settings(REPORT_GRACE_MINUTES=3 * 24 * 60)


def url(name: str, community: Any, day: Any) -> str:
    """The address of the community's ``reports:<name>`` page of ``day``."""
    return reverse(f"reports:{name}", kwargs={"pk": community.pk, "day": day})


def page_form(response: Any) -> dict[str, Any]:
    """The report form's fields as the browser would post them back, unchanged."""
    form = response.context["form"]
    body = {}
    for name in form.fields:
        value = form[name].value()
        body[name] = "" if value is None else value
    return body


def zero_form(response: HttpResponse) -> dict[str, str]:
    """The zero report form's fields as the browser posts them (none when the page
    has no zero report form)."""
    page = response.content.decode()
    if 'class="zero-form"' not in page:
        return {}
    form = page[page.index('class="zero-form"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'name="(z_\w+)" value="([^"]*)"', form))
