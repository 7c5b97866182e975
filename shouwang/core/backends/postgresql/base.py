"""Django's PostgreSQL backend with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before the first
query of each request by sending ``SELECT 1``: a fourth round trip for a one-tap
check-in that needs three, and as much work in the database backend as a short query.
A connection that the server has closed — restarted, ``pg_terminate_backend``, idle
timeout — has something to read while idle: the server's farewell message and the end
of the stream. So an idle connection whose socket has nothing to read is taken as
usable; one that has (rarely anything else: an asynchronous notice) gets Django's
``SELECT 1``. A link cut without a word from the server is not detected here, as it
would not be by ``SELECT 1`` before a long timeout either.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
        if not readable:
            return True
        return super().is_usable()
