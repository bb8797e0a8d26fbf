"""The benchmark's table, budgets and JSON."""

import json

from bench.load import WrkResult
from bench.report import Row, budget_lines, budgets, error_statuses, table, write_json
from bench.wire import Weight


def result(rate: float, p95: float = 20.0, errors: int = 0, requests: int = 100) -> WrkResult:
    return WrkResult(
        requests=requests,
        seconds=10.0,
        requests_per_second=rate,
        p50_ms=p95 / 2,
        p95_ms=p95,
        p99_ms=p95 * 2,
        socket_errors=0,
        status_errors=errors,
    )


def rows() -> list[Row]:
    weight = Weight(html=150_500, html_gzipped=26_600, css=7_700, js=14_700)
    return [
        Row("static", "static file (baseline)", result(2000.0, p95=4.0)),
        Row("edition_anonymous", "edition, anonymous", result(1000.0), 9, 200, weight),
        Row("edition_student", "edition, student", result(3.0, p95=1712.0, errors=2), 19, 200),
        Row("api_paragraph", "API", result(0.0, requests=0), 6, 200),
        Row("search", "search", skipped="no /search/ URL in this version"),
        Row("create", "create annotation (API)", result(50.0, p95=80.0), 40, 201),
    ]


def test_one_table_with_a_row_per_scenario_and_aligned_columns():
    lines = table(rows()).splitlines()
    assert lines[0].split()[:2] == ["scenario", "req/s"]
    assert set(lines[1]) == {"-"}
    assert len(lines) == 2 + 6
    measured = [line for line in lines if "skipped" not in line]
    assert len({len(line) for line in measured}) == 1
    static, anonymous, student, api, search, create = lines[2:]
    assert "2,000.0" in static and "100%" in static and " – " in static
    assert "50%" in anonymous and "150.5" in anonymous and "26.6" in anonymous
    assert "1,712.0" in student and student.split()[-7] == "2"  # errors column
    assert api.split()[1:6] == ["0.0", "0", "–", "–", "–"]  # no response: no latency to show
    assert "skipped: no /search/ URL in this version" in search
    assert create.split()[-5] == "40"


def test_budgets_say_pass_or_fail_for_each():
    found = {
        b.name: b for b in budgets(rows(), concurrency=8, bare_html=Weight(html_gzipped=19_400))
    }
    assert found["SQL queries per request ≤ 12"].passed is False
    assert "40 (create annotation (API))" in found["SQL queries per request ≤ 12"].measured
    anonymous = found["anonymous edition ≥ 50% of the static file's req/s"]
    assert (anonymous.passed, anonymous.measured) == (True, "50%")
    assert found["edition, student: p95 < 100 ms, no errors"].passed is False
    assert found["API: p95 < 100 ms, no errors"].measured.startswith("no response")
    assert found["create annotation (API): p95 < 100 ms, no errors"].passed is True
    assert found["search: p95 < 100 ms, no errors"].passed is None
    assert found["reading view JS ≤ 20 kB gzipped"].passed is True
    assert found["edition HTML without annotations ≤ 40 kB gzipped"].passed is True
    lines = budget_lines(list(found.values()))
    assert "FAIL  SQL queries per request ≤ 12" in lines
    assert "n/a   search" in lines


def test_budgets_note_a_concurrency_other_than_the_one_they_are_set_for():
    found = budgets(rows(), concurrency=4, bare_html=None)
    assert any("(set for c=8)" in b.name for b in found)


def test_the_json_has_every_scenario_with_its_ratio_to_the_baseline(tmp_path):
    path = tmp_path / "bench.json"
    write_json(path, meta={"database": "SQLite"}, build={"rows": {}}, rows=rows(), budgets=[])
    document = json.loads(path.read_text())
    assert [s["scenario"] for s in document["scenarios"]] == [
        "static",
        "edition_anonymous",
        "edition_student",
        "api_paragraph",
        "search",
        "create",
    ]
    anonymous = document["scenarios"][1]
    assert anonymous["ratio_to_static"] == 0.5
    assert anonymous["wrk"]["requests_per_second"] == 1000.0
    assert anonymous["bytes"]["js"] == 14_700
    assert document["scenarios"][4]["skipped"] == "no /search/ URL in this version"
    assert document["budgets"] == []


def test_error_statuses_name_the_scenario_and_the_codes():
    measured = rows()
    measured[5].statuses = {"201": 400, "429": 12, "500": 3}
    measured[1].statuses = {"200": 10}
    assert error_statuses(measured) == "  create annotation (API): 12 × 429, 3 × 500"
    assert error_statuses(rows()) == ""
