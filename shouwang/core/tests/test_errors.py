"""Error pages render without the middleware that normally runs before them."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_foreign_host_header_gets_the_chinese_400_page_not_a_500() -> None:
    # DisallowedHost is raised before the authentication middleware sets request.user.
    response = Client(raise_request_exception=False).get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
