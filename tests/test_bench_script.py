"""The pure parts of the benchmark (scripts/bench.py): no server, no timing."""

import importlib.util
import math
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_percentile_interpolates_between_ranks(bench):
    values = [40, 10, 30, 20, 50]
    assert bench.percentile(values, 50) == 30
    assert bench.percentile(values, 0) == 10
    assert bench.percentile(values, 100) == 50
    assert bench.percentile(values, 95) == pytest.approx(48)
    assert bench.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)


def test_percentile_of_one_or_no_value(bench):
    assert bench.percentile([7], 95) == 7
    assert math.isnan(bench.percentile([], 50))


def test_page_line_shows_rate_latencies_errors_and_queries(bench):
    result = bench.PageResult("search broad", 50, 5.0, [10.0] * 95 + [200.0] * 5, 2, 6)
    line = bench.page_line(result)
    assert line.startswith("search broad")
    assert "10.0 req/s" in line
    assert "p50    10.0 ms" in line
    assert "p95    19.5 ms" in line
    assert "errors 2" in line
    assert line.endswith("queries 6")


def test_page_line_of_a_skipped_page_says_why(bench):
    result = bench.PageResult("ranking", 0, 0, skipped="no demo account")
    assert bench.page_line(result) == "ranking          skipped: no demo account"


def test_summary_line_has_the_issue_format(bench):
    floor = bench.PageResult("floor /healthz", 5000, 10.0, [2.0], queries=1)
    search = bench.PageResult("search broad", 800, 10.0, [20.0] * 19 + [140.0], queries=9)
    admin = bench.PageResult("admin search", 200, 10.0, [80.0], queries=11)
    skipped = bench.PageResult("ranking", 0, 0, skipped="no call", queries=40)
    line = bench.summary_line(
        floor=floor, search=search, admin=admin, results=[floor, search, admin, skipped]
    )
    assert line == "search/floor=0.160 search/admin=4.00 p95_ms=26 queries=11"


def test_summary_line_without_admin_search(bench):
    floor = bench.PageResult("floor /healthz", 100, 1.0, [1.0], queries=1)
    search = bench.PageResult("search broad", 10, 1.0, [50.0], queries=6)
    admin = bench.PageResult("admin search", 0, 0, skipped="no authenticator app")
    line = bench.summary_line(floor=floor, search=search, admin=admin, results=[floor, search])
    assert line == "search/floor=0.100 search/admin=n/a p95_ms=50 queries=6"


def test_broad_words_keep_at_least_twenty_words_of_two_percent(bench):
    assert bench.MIN_BROAD_QUERIES >= 20
    assert bench.BROAD_QUERIES >= bench.MIN_BROAD_QUERIES
    total = 1000
    counts = {f"mot{i:02d}": 20 + i for i in range(30)}  # 2 % and more
    counts |= {"rare": 3, "presque": 19}  # under 2 %
    words = bench.broad_words(counts, total)
    assert len(words) == bench.BROAD_QUERIES
    assert len(set(words)) == len(words)
    assert all(counts[w] >= total * bench.BROAD_SHARE for w in words)
    assert words[0] == "mot29"
    assert "presque" not in words and "rare" not in words


def test_rare_and_candidate_words(bench):
    texts = ["cobotix robotique palaiseau", "robotique lyon", "capteurs lyon, robotique"]
    counts = bench.candidate_words(texts, stopwords={"lyon"})
    assert counts == {"robotique": 3, "cobotix": 1, "palaiseau": 1, "capteurs": 1}
    assert bench.rare_words({"cobotix": 1, "robotique": 40, "helenox": 2}) == [
        "cobotix",
        "helenox",
    ]


def test_database_url_renamed(bench):
    url = "postgres://postgres@127.0.0.1:5432/poles_bench?sslmode=disable"
    assert bench.with_database(url, "postgres") == (
        "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
    )


def test_a_malformed_setting_stops_the_bench_with_one_line(bench, monkeypatch):
    monkeypatch.setenv("BENCH_ORGS", "beaucoup")
    with pytest.raises(SystemExit, match="BENCH_ORGS must be a positive number, not 'beaucoup'"):
        bench.main([])
    monkeypatch.setenv("BENCH_ORGS", "1000")
    monkeypatch.setenv("BENCH_SECONDS", "-3")
    with pytest.raises(SystemExit, match="BENCH_SECONDS must be a positive number"):
        bench.main([])
