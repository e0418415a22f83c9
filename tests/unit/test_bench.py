"""The pure parts of ``newsevents bench``: percentiles, ratios, option parsing, input loading."""

from pathlib import Path

import orjson
import pytest

from schemas import Article
from streams.bench.inputs import load_articles, seed_articles
from streams.bench.offline import PARSE_BATCH_SIZES, parse_only
from streams.bench.options import parse_rate, parse_workers
from streams.bench.stats import latency_summary, per_second, percentile, ratio, ratios
from streams.extraction import resolve_model_name


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [4.0, 1.0, 3.0, 2.0]  # unsorted on purpose
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == pytest.approx(2.5)
    assert percentile(values, 95) == pytest.approx(3.85)  # numpy.percentile(..., 95) agrees
    assert percentile([7.0], 99) == 7.0


@pytest.mark.parametrize("q", [-1, 101])
def test_percentile_rejects_bad_input(q: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], q)
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_latency_summary_and_rates() -> None:
    summary = latency_summary([i / 10 for i in range(11)])  # 0.0 .. 1.0 s
    assert summary == {"p50": 0.5, "p95": 0.95, "p99": 0.99, "max": 1.0, "mean": 0.5}
    assert latency_summary([]) == {}
    assert per_second(10, 4) == 2.5
    assert per_second(10, 0) == 0.0
    assert ratio(3, 2) == 1.5
    assert ratio(3, 0) is None


def test_ratios_relate_every_phase_to_parse_only_and_workers_to_the_fewest() -> None:
    parse = {"articles_per_s": 10.0, "articles_per_cpu_s": 10.0}
    extract = {"articles_per_s": 12.0, "articles_per_cpu_s": 11.0}
    runs = [
        {"workers": 1, "articles_per_s": 10.5, "articles_per_cpu_s": 10.0},
        {"workers": 2, "articles_per_s": 19.0, "articles_per_cpu_s": 9.5},
    ]
    assert ratios(parse, extract, runs) == {
        "extract_only/parse_only": 1.2,
        "pipeline/parse_only": {"1": 1.05, "2": 1.9},
        "pipeline_scaling": {"1": 1.0, "2": 1.81},
        "per_cpu_s": {
            "extract_only/parse_only": 1.1,
            "pipeline/parse_only": {"1": 1.0, "2": 0.95},
            "pipeline_scaling": {"1": 1.0, "2": 0.95},
        },
    }


def test_options_parse_worker_lists_and_rates() -> None:
    assert parse_workers("2,1, 2") == (1, 2)
    assert parse_rate(None) is None
    assert parse_rate("half") == "half"
    assert parse_rate("2.5") == 2.5
    for bad in ("0", "x", ""):
        with pytest.raises(ValueError):
            parse_workers(bad)
    for bad in ("0", "-1", "fast", "nan"):
        with pytest.raises(ValueError):
            parse_rate(bad)


def test_csv_corpus_title_mojibake_duplicates_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    rows = [
        "Minister resigns over cuts The minister resigned on Monday. She said the cuts went too far.",
        "Minister resigns over cuts The minister resigned on Monday. She said the cuts went too far.",
        "Prices rise The pound fell to \u00c2\u00a31.20 as prices rose. Traders were worried.",
        "Talks open Leaders met in Paris. They agreed to meet again.",
    ]
    path.write_text("text,category\n" + "".join(f'"{row}",politics\n' for row in rows), encoding="utf-8")
    articles = load_articles(path, limit=2)
    assert len(articles) == 2  # the repeated row counts once
    assert len({a.id for a in articles}) == 2
    assert articles[0].title == "Minister resigns over cuts The minister resigned on Monday."
    assert articles[0].body == rows[0]
    assert "£1.20" in articles[1].body and "\u00c2" not in articles[1].body
    assert len(load_articles(path, limit=10)) == 3


def test_seeds_repeat_with_distinct_ids_and_without_broken_records() -> None:
    articles = load_articles(None, limit=30)
    assert len(articles) == 30
    assert len({a.id for a in articles}) == 30
    assert all(a.language in (None, "en") for a in articles)
    originals = {a.id.rpartition("~")[0] for a in articles}
    assert not any("broken" in article_id for article_id in originals)
    assert next(seed_articles()).id.endswith("~0")


def test_parse_only_runs_at_its_fastest_probed_batch_size_and_reports_json() -> None:
    articles = [Article(id=str(i), body=f"The minister met union leaders in London on day {i}.") for i in range(6)]
    report = parse_only(resolve_model_name(None), articles)
    assert report["batch_size"] in PARSE_BATCH_SIZES
    assert set(report["probed_articles_per_s"]) == {str(size) for size in PARSE_BATCH_SIZES}
    assert report["articles"] == 6 and orjson.loads(orjson.dumps(report)) == report
