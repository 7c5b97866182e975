"""The PostgreSQL health check: no round trip for a live connection, a reconnect for
one the server has closed."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the health check of the PostgreSQL backend"
)


@pytest.fixture
def other() -> Iterator:
    """A second connection to the test database, as a server worker holds one."""
    conn = connections.create_connection("default")
    conn.ensure_connection()
    yield conn
    conn.close()


def _terminate(conn) -> None:
    pid = conn.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    socket = conn.connection.pgconn.socket
    deadline = time.monotonic() + 5
    while not select.select([socket], [], [], 0.05)[0]:
        assert time.monotonic() < deadline, "the server did not close the connection"


@pytest.mark.django_db
def test_a_live_connection_is_usable_without_a_query(other) -> None:
    with mock.patch.object(type(other.connection), "cursor", side_effect=AssertionError):
        assert other.is_usable()


@pytest.mark.django_db
def test_a_connection_the_server_closed_is_not_usable(other) -> None:
    _terminate(other)
    assert not other.is_usable()


@pytest.mark.django_db
def test_the_next_request_reconnects_after_the_server_closed_its_connection(other) -> None:
    assert other.health_check_enabled
    _terminate(other)
    other.health_check_done = False  # as at the start of a request
    with other.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
