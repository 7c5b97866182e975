"""``shouwang demo --size tiny`` leaves someone at the end of their period for the
community's staff, so a new user can try 待解除: release in bulk and print the notices."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from shouwang.accounts.models import User
from shouwang.watch.models import KeyPerson

pytestmark = pytest.mark.django_db


def test_the_tiny_demo_proposes_someone_for_release_to_community_staff(client) -> None:
    call_command("demo", size="tiny", no_serve=True, stdout=io.StringIO())
    client.force_login(User.objects.get(username="staff_a"))
    page = client.get(reverse("watch:release")).content.decode()
    proposed = int(re.search(r"建议解除（(\d+) 人）", page).group(1))
    assert proposed >= 1
    ids = re.findall(r'name="ids" value="(\d+)"', page)
    response = client.post(reverse("watch:release_bulk"), {"ids": ids})
    assert response.status_code == 302
    assert KeyPerson.objects.filter(pk__in=ids, status=KeyPerson.Status.RELEASED).count() == len(
        ids
    )
    pdf = client.get(reverse("watch:notices"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
