"""What the benchmark reads off its gunicorn instances: their errors, and when they are idle."""

import socket
from pathlib import Path

from bench.server import Server, open_connections

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
