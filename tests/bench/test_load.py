"""Reading wrk's output, and the Lua scripts given to it."""

import http.server
import threading

import pytest

from bench import load

# Real output of wrk 4.1.0 (Debian) against the benchmark's gunicorn: two of three requests to
# the edition page, one to a missing page, with a 1 s timeout so some requests time out.
WITH_ERRORS = """\
Running 3s test @ http://127.0.0.1:18777/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   588.63ms  175.10ms 880.86ms   53.85%
    Req/Sec     7.75      5.70    20.00     70.83%
  Latency Distribution
     50%  562.68ms
     75%  795.38ms
     90%  835.84ms
     99%  880.86ms
  31 requests in 3.04s, 3.03MB read
  Socket errors: connect 0, read 0, write 0, timeout 5
  Non-2xx or 3xx responses: 10
Requests/sec:     10.19
Transfer/sec:      1.00MB
"""

# Real output of a run with the benchmark's script (its `done` hook adds the last line).
WITH_SCRIPT = """\
Running 2s test @ http://127.0.0.1:18765/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    13.48ms   29.51ms 194.68ms   92.56%
    Req/Sec   411.36    207.08     1.34k    87.18%
  Latency Distribution
     50%    3.72ms
     75%    8.93ms
     90%   30.09ms
     99%  168.76ms
  1622 requests in 2.10s, 6.87MB read
Requests/sec:    772.45
Transfer/sec:      3.27MB
BENCH-RESULT {"requests": 1622, "duration_us": 2099807, "bytes": 7206702, "p50_us": 3716, \
"p95_us": 64063, "p99_us": 168764, "max_us": 194684, "connect": 0, "read": 0, "write": 0, \
"status": 0, "timeout": 0}
"""


def test_wrk_summary_gives_rate_percentiles_and_both_kinds_of_error():
    result = load.parse(WITH_ERRORS)
    assert result.requests == 31
    assert result.seconds == pytest.approx(3.04)
    assert result.requests_per_second == pytest.approx(10.19)
    assert result.p50_ms == pytest.approx(562.68)
    assert result.p99_ms == pytest.approx(880.86)
    assert result.p95_ms is None  # wrk's summary has no 95th percentile
    assert (result.socket_errors, result.status_errors, result.errors) == (5, 10, 15)


def test_the_scripts_line_adds_the_95th_percentile():
    result = load.parse(WITH_SCRIPT)
    assert result.requests == 1622
    assert result.p50_ms == pytest.approx(3.716)
    assert result.p95_ms == pytest.approx(64.063)
    assert result.p99_ms == pytest.approx(168.764)
    assert result.errors == 0
    assert result.as_dict()["errors"] == 0


def test_latencies_in_microseconds_and_seconds_are_read_as_milliseconds():
    output = WITH_ERRORS.replace("562.68ms", "950.00us").replace("880.86ms", "1.20s")
    result = load.parse(output)
    assert result.p50_ms == pytest.approx(0.95)
    assert result.p99_ms == pytest.approx(1200.0)


def test_text_that_is_not_wrk_output_is_refused():
    with pytest.raises(ValueError, match="not wrk output"):
        load.parse("wrk: command not found")


def test_lua_strings_survive_quotes_backslashes_newlines_and_umlauts():
    assert load.lua_string('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\010d"'
    assert load.lua_string("Größe") == '"Größe"'


def test_a_post_script_carries_method_body_and_headers():
    request = load.Request(
        "POST", "/api/annotations/", {"X-CSRFToken": "tok", "Cookie": "a=b"}, '{"x": "ü"}'
    )
    script = load.lua_script(request, [8001])
    assert 'wrk.method = "POST"' in script
    assert 'wrk.body = "{\\"x\\": \\"ü\\"}"' in script
    assert 'wrk.headers["X-CSRFToken"] = "tok"' in script
    assert "function done(" in script
    assert "function setup(" not in script  # one instance: wrk connects to the URL's port


def test_variants_make_a_request_hook_that_takes_them_in_turn():
    variants = (({"Cookie": "a=1"}, "eins"), ({"Cookie": "a=2"}, "zwei"))
    script = load.lua_script(load.Request("POST", "/api/annotations/", {}, "", variants), [8001])
    assert "function request()" in script
    assert '{ headers = { ["Cookie"] = "a=1" }, body = "eins" }' in script
    assert '{ headers = { ["Cookie"] = "a=2" }, body = "zwei" }' in script
    assert "function request()" not in load.lua_script(load.Request("GET", "/", {}), [8001])


def test_with_two_instances_each_thread_is_pinned_to_one_port():
    script = load.lua_script(load.Request("GET", "/", {}), [8001, 8002])
    assert "local ports = { 8001, 8002 }" in script
    assert "thread.addr = wrk.lookup(" in script


def test_wrk_spreads_the_load_over_two_servers(tmp_path, wrk_installed):
    counts = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            port = self.server.server_address[1]
            counts[port] = counts.get(port, 0) + 1
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports = [server.server_address[1] for server in servers]
    try:
        result, output = load.run(
            load.Request("GET", "/", {}),
            ports=ports,
            duration=1,
            concurrency=2,
            script_dir=tmp_path,
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    assert result.requests > 0 and result.errors == 0, output
    assert result.p95_ms is not None
    assert set(counts) == set(ports)
    assert min(counts.values()) > 0.3 * max(counts.values())


def test_variants_are_sent_in_turn(tmp_path, wrk_installed):
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.headers["Cookie"], body.decode()))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    variants = tuple(
        ({"Cookie": f"sessionid=s{n}"}, f'{{"n": {n}, "text": "Größe"}}') for n in range(3)
    )
    try:
        result, output = load.run(
            load.Request("POST", "/api/annotations/", {}, "", variants),
            ports=[server.server_address[1]],
            duration=1,
            concurrency=1,
            script_dir=tmp_path,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.requests >= 3 and result.errors == 0, output
    sent = [(headers["Cookie"], body) for headers, body in variants]
    assert set(seen) == set(sent)
    for this, following in zip(seen, seen[1:]):  # one connection: strictly in turn
        assert sent.index(following) == (sent.index(this) + 1) % len(sent)
