"""What the benchmark reads off its gunicorn instances: their errors, and when they are idle."""

import socket
from pathlib import Path

from bench.server import Server, access_log_size, open_connections, statuses_since

# The shape of a gunicorn log with two failed requests, each a chained traceback.
LOG = """\
Internal Server Error: /api/annotations/
Traceback (most recent call last):
  File "django/db/backends/utils.py", line 105, in _execute
sqlite3.OperationalError: database is locked

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
django.db.utils.OperationalError: database is locked
Internal Server Error: /api/annotations/
Traceback (most recent call last):
sqlite3.OperationalError: database is locked
django.db.utils.OperationalError: database is locked
Internal Server Error: /courses/x/
Traceback (most recent call last):
ValueError: Missing staticfiles manifest entry for 'css/search.css'
"""


def test_each_failed_request_counts_once_by_its_outermost_exception(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text(LOG)
    errors = Server(port=0, process=None, log=log).log_errors()
    assert errors == {
        "django.db.utils.OperationalError: database is locked": 2,
        "ValueError: Missing staticfiles manifest entry for 'css/search.css'": 1,
    }


def test_a_missing_log_has_no_errors():
    assert Server(port=0, process=None, log=Path("/nonexistent/log")).log_errors() == {}


def test_open_connections_count_what_the_server_has_not_closed():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        assert open_connections([port]) == 0
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        assert open_connections([port]) == 1
        client.close()  # the client is gone; the server still has to close its end
        assert open_connections([port]) == 1
        accepted.close()
        assert open_connections([port]) == 0


def test_statuses_are_counted_from_the_access_logs_since_an_offset(tmp_path):
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    logs[0].write_text("200\n200\n")
    logs[1].write_text("")
    servers = [Server(port=0, process=None, log=tmp_path / "x", access_log=log) for log in logs]
    offsets = access_log_size(servers)
    logs[0].write_text("200\n200\n201\n429\n")
    logs[1].write_text("201\n500\n")
    assert statuses_since(servers, offsets) == {"201": 2, "429": 1, "500": 1}
