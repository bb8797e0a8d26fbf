"""The PostgreSQL health check that sends nothing (config/postgresql/base.py): a kept connection
the server ended is found out and replaced before a request uses it; a live one is kept."""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection, connections

from edition.models import Edition

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the health check is PostgreSQL's")


def _end_from_outside(pid: int) -> None:
    """What a database restart does to each connection, done to one."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def _wait_until_unusable(seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not connection.is_usable():
            return True
        time.sleep(0.01)
    return False


def test_the_backend_is_ours_and_still_postgresql():
    assert type(connections["default"]).__module__ == "config.postgresql.base"
    assert connection.vendor == "postgresql"


def test_a_live_idle_connection_is_usable_without_a_query(monkeypatch):
    connection.ensure_connection()
    raw = connection.connection

    def no_queries(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(raw, "cursor", no_queries)
    monkeypatch.setattr(raw, "execute", no_queries)
    assert connection.is_usable()


def test_a_connection_the_server_ended_is_found_out_and_replaced():
    Edition.objects.count()
    old_pid = connection.connection.info.backend_pid
    _end_from_outside(old_pid)
    assert _wait_until_unusable()
    # What the next request does: the check runs before its first query, which then succeeds.
    close_old_connections()
    assert Edition.objects.count() == 0
    assert connection.connection.info.backend_pid != old_pid


def test_without_the_check_the_same_request_would_fail():
    """The failure the check prevents, to show the test above tests something."""
    Edition.objects.count()
    _end_from_outside(connection.connection.info.backend_pid)
    assert _wait_until_unusable()
    connection.health_check_done = True  # as if the check were off
    with pytest.raises(Exception, match="terminat|closed|connection"):
        Edition.objects.count()
    connection.close()


def test_a_failed_transaction_is_not_usable():
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = False
    with pytest.raises(psycopg.errors.DivisionByZero):
        raw.execute("SELECT 1 / 0")
    assert not connection.is_usable()
    raw.rollback()
    raw.autocommit = True
    assert connection.is_usable()
