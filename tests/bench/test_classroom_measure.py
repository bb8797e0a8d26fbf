"""What a classroom run's records say: the window, percentiles, the live delay's pairs, where the
server's time goes, and the budget's verdict. Records are made by hand, as the Locust process
writes them."""

import os

import pytest

from bench.classroom import cpu, measure

START, END = 1000.0, 1060.0


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))
    assert measure.percentile(values, 50) == 50
    assert measure.percentile(values, 95) == 95
    assert measure.percentile(values, 99) == 99
    assert measure.percentile([7.0], 95) == 7.0
    assert measure.percentile([], 95) is None


def test_requests_count_in_the_window_they_were_answered_in():
    requests = [
        ("threads", 990.0, 5.0, 200, None),  # answered before the window
        ("threads", 1059.0, 0.5, 200, None),
        ("threads", 1059.9, 0.2, 200, None),  # answered after it
        ("threads", 1010.0, 0.1, 500, "CatchResponseError: HTTP 500"),
        ("live", 1020.0, 0.01, 304, None),
    ]
    types = measure.request_stats(requests, START, END)
    assert types["threads"].n == 2
    assert types["threads"].errors == 1
    assert types["threads"].statuses == {"200": 1, "500": 1}
    assert types["threads"].p50_ms == pytest.approx(100.0)
    assert types["threads"].p95_ms == pytest.approx(500.0)
    assert types["threads"].requests_per_second == pytest.approx(2 / 60)
    assert types["search"].n == 0 and types["search"].p95_ms is None
    everything = measure.overall(types, requests, START, END)
    assert (everything.n, everything.errors) == (3, 1)
    assert measure.made(requests)["threads"] == {"n": 4, "errors": 1}


def _live(writes, changes, baselines, groups):
    return measure.live_delay(
        writes=writes,
        changes=changes,
        baselines=baselines,
        groups=groups,
        start=START,
        end=END,
    )


def test_live_delay_is_from_the_201_to_each_classmates_first_changed_poll():
    groups = ["a", "a", "a", "b"]  # students 0–2 in course a, 3 in course b
    baselines = [(0, 1001.0), (1, 1001.0), (2, 1001.0), (3, 1001.0)]
    writes = [(0, "a", "p7", 1010.0, 1010.1, "note")]
    changes = [
        (1, "p7", 1009.0),  # before the write was sent: another change
        (1, "p7", 1010.6),
        (1, "p7", 1012.0),  # a later change
        (2, "p7", 1010.05),  # answered between sending and the 201: arrived at once
        (2, "p8", 1010.2),  # another paragraph
        (3, "p7", 1010.3),  # another course
        (0, "p7", 1010.2),  # the writer's own channel
    ]
    live = _live(writes, changes, baselines, groups)
    assert (live.writes, live.writes_arrived, live.pairs, live.missed_pairs) == (1, 1, 2, 0)
    assert live.p50_s == pytest.approx(0.0)
    assert live.p95_s == pytest.approx(0.5)
    assert live.max_s == pytest.approx(0.5)


def test_a_classmate_who_never_sees_the_change_is_a_missed_pair():
    groups = ["a", "a", "a"]
    baselines = [(0, 1001.0), (1, 1001.0), (2, 1001.0)]
    writes = [(0, "a", "p7", 1010.0, 1010.1, "reply")]
    live = _live(writes, [(1, "p7", 1011.0)], baselines, groups)
    assert (live.writes_arrived, live.pairs, live.missed_pairs) == (1, 1, 1)


def test_only_classmates_already_listening_and_writes_in_the_window_count():
    groups = ["a", "a", "c"]
    baselines = [(0, 1001.0), (1, 1020.0)]  # student 1 opened the channel after the write
    writes = [
        (0, "a", "p7", 1010.0, 1010.1, "note"),
        (0, "a", "p7", 990.0, 990.1, "note"),  # answered before the window
        (2, "c", "p7", 1030.0, 1030.1, "note"),  # alone in course c
    ]
    live = _live(writes, [(1, "p7", 1025.0)], baselines, groups)
    assert (live.writes, live.writes_without_classmates, live.pairs) == (2, 2, 0)
    assert live.p95_s is None


def test_without_a_live_channel_nothing_is_measured():
    live = measure.live_delay(
        writes=[], changes=[], baselines=[], groups=[], start=START, end=END, available=False
    )
    assert not live.available and live.pairs == 0


def test_server_time_per_endpoint_from_the_access_log():
    lines = [
        "200 120000 GET /erz-2023/",
        "200 30000 GET /erz-2023/p7/threads/",
        "200 10000 GET /erz-2023/p8/threads/",
        "304 2000 GET /erz-2023/live/",
        "201 38000 POST /api/annotations/",
        "200 20000 GET /api/annotations/",
        "200 80000 GET /search/",
        "not a line",
    ]
    found = {e.key: e for e in measure.server_times(lines, "/erz-2023/")}
    assert set(found) == {"edition", "threads", "live", "write", "api_list", "search"}
    assert found["threads"].n == 2 and found["threads"].p95_ms == pytest.approx(30.0)
    assert found["edition"].share == pytest.approx(120 / 300)
    assert sum(e.share for e in found.values()) == pytest.approx(1.0)


def test_a_step_keeps_the_budget_only_with_every_p95_under_200_ms_and_no_errors():
    ok = measure.TypeStats("search", "search", n=10, p95_ms=199.0)
    slow = measure.TypeStats("edition", "open the edition", n=10, p95_ms=200.0)
    failing = measure.TypeStats("note", "write a note", n=10, p95_ms=50.0, errors=2)
    unused = measure.TypeStats("threads_live", "threads again", n=0)
    assert measure.failures({"search": ok, "threads_live": unused}) == []
    assert measure.failures({"edition": slow, "note": failing}) == [
        "open the edition: p95 200 ms",
        "write a note: 2 errors",
    ]


def test_capacity_is_the_last_passing_step_before_the_first_failure():
    steps = [
        {"students": 100, "failures": []},
        {"students": 200, "failures": []},
        {"students": 300, "failures": ["search: p95 250 ms"]},
    ]
    assert measure.capacity(steps) == 200
    assert measure.capacity(steps[2:]) is None
    assert measure.CAPACITY_STEPS == (100, 200, 300, 500, 800)


def test_cpu_time_is_read_from_proc_for_a_process_and_its_parent():
    process = cpu._read(os.getpid())
    assert process is not None and process.parent == os.getppid()
    sum(range(2_000_000))  # some CPU time to see
    taken = cpu.snapshot(gunicorn=os.getppid(), loader=os.getpid(), database_name=None)
    assert taken.workers[os.getpid()] == taken.loader[os.getpid()] > 0
    assert cpu.used({1: 2.0, 2: 1.0}, {1: 3.5, 3: 0.5}) == (2.0, 1)


def test_postgres_backends_are_told_apart_by_their_database():
    assert cpu._backend_of("postgres: postgres bench 127.0.0.1(5123) idle", "bench")
    assert not cpu._backend_of("postgres: postgres test_x 127.0.0.1(5123) idle", "bench")
    assert cpu._backend_of("postgres: 15/main: postgres bench 127.0.0.1(5123) idle", "bench")
    assert not cpu._backend_of("postgres: 15/main: checkpointer", "bench")
    assert not cpu._backend_of("postgres: checkpointer", "bench")
