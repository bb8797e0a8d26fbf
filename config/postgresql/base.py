"""Django's PostgreSQL backend with a health check that costs no round trip.

A kept connection is checked before each request uses it (`CONN_HEALTH_CHECKS`), so that after
a database restart a worker reconnects instead of failing a request. Django checks with a
`SELECT 1`, which doubles the cost of a request that needs a single query (the edition page
every anonymous reader gets: one round trip for its stamp). The server that ends a connection
(a restart, `pg_terminate_backend`, an idle timeout) says so on it and closes it, so an idle
connection it ended has input waiting, and a live idle one has none: asking the socket whether
it is readable tells them apart without sending anything. What neither check can know, a
server that dies while the query is on its way, fails the same way with both.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq

USABLE_STATES = (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS)


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status not in USABLE_STATES:
            return False  # a failed transaction, a query in flight, or no connection at all
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
