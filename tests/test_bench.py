"""The speed benchmark: the figures it records and how they render, never how fast they are."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CASES, DEMO
from storydiff.errors import InputNotFound, SettingsError
from storydiff.evaluation.bench import (
    BENCH_FORMATS,
    CLAIM_PARTS,
    MIN_ARTICLES,
    STAGES,
    BenchResult,
    load_corpus,
    render_bench,
    run_bench,
)
from storydiff.pipeline import analyze_articles
from storydiff.records import Article

# A few articles: enough to exercise every stage, few enough to run in seconds.
LIMIT = 6


def _corpus(root: Path) -> Path:
    """The project's own invented reports laid out like the evaluation data (ecbplus/text/<topic>/)."""
    data = root / "eval"
    for folder in [*sorted(CASES.iterdir()), DEMO]:
        for text in sorted(folder.glob("*.txt")):
            topic = data / "ecbplus" / "text" / folder.name
            topic.mkdir(parents=True, exist_ok=True)
            shutil.copy(text, topic / text.name)
    return data


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("bench"))


@pytest.fixture(scope="module")
def result(data: Path) -> BenchResult:
    # one real cold start (the demo's first two reports) and the real models
    return run_bench(data, limit=LIMIT, cold_runs=1)


def test_figures_are_positive(result: BenchResult) -> None:
    t = result.throughput
    assert t.articles == LIMIT
    assert t.characters > 0
    assert t.sentences > 0
    assert t.articles_per_second > 0
    assert t.analysis_cpu_seconds > 0
    assert t.peak_rss_mb > 0
    assert result.floor.articles_per_second > 0
    assert result.floor.articles == LIMIT
    assert result.ratio > 0
    assert result.cpu_ratio > 0


def test_stages_are_named_in_pipeline_order(result: BenchResult) -> None:
    stages = result.throughput.stages
    assert tuple(s.name for s in stages if s.part_of is None) == STAGES
    assert tuple(s.name for s in stages if s.part_of == "claims") == CLAIM_PARTS
    assert all(s.seconds >= 0 for s in stages)
    assert result.throughput.slowest_stage in STAGES


def test_cold_start_runs_the_command_on_two_reports(result: BenchResult) -> None:
    cold = result.cold_start
    assert cold is not None
    assert cold.command[1:4] == ("compare", *cold.inputs)
    assert len(cold.inputs) == 2
    assert cold.wall_min > 0
    assert cold.peak_mb > 0


def test_targets_stand_beside_their_figures(result: BenchResult) -> None:
    targets = result.targets()
    assert [t.name for t in targets] == [
        "cold compare, wall",
        "cold compare, peak memory",
        "import storydiff loads",
        "serve: import and create the app",
        "analysis with embeddings vs bare spaCy",
    ]
    text = render_bench(result, "table")
    for target in targets:
        assert target.figure in text
        assert target.target in text
    assert result.speed_with_embeddings == result.floor.seconds / result.throughput.total_seconds
    assert json.loads(render_bench(result, "json"))["targets"][0]["target"] == "<= 2.0 s"


def test_start_up_is_measured_in_fresh_processes(result: BenchResult) -> None:
    up = result.start_up
    assert up is not None
    assert up.import_seconds > 0
    assert up.web_seconds > up.import_seconds
    assert up.import_loaded == ()  # `import storydiff` loads no model library
    assert "torch" not in up.web_loaded


def test_floor_is_the_bare_model(result: BenchResult) -> None:
    # storydiff adds its line-break sentence rule; the floor runs the package as shipped
    assert "storydiff_line_breaks" not in result.floor.components
    assert {"tok2vec", "parser", "ner"} <= set(result.floor.components)


@pytest.mark.parametrize("fmt", sorted(BENCH_FORMATS))
def test_every_format_renders(result: BenchResult, fmt: str) -> None:
    text = render_bench(result, fmt)
    assert text.endswith("\n")
    assert "parse" in text


def test_table_shows_the_ratio_and_the_slowest_stage(result: BenchResult) -> None:
    text = render_bench(result, "table")
    assert f"{result.ratio:.2f}x the time of bare spaCy" in text
    assert "slowest stage" in text
    assert "  attributions" in text  # breakdown rows are indented under claims


def test_json_is_the_record_as_a_dict(result: BenchResult) -> None:
    data = json.loads(render_bench(result, "json"))
    assert data == json.loads(json.dumps(result.to_dict()))
    assert [s["name"] for s in data["throughput"]["stages"]] == [s.name for s in result.throughput.stages]
    assert data["ratio"] > 0


def test_unknown_format_says_which_exist(result: BenchResult) -> None:
    with pytest.raises(SettingsError, match="unknown bench format 'csv'; use one of json, markdown, table"):
        render_bench(result, "csv")


@pytest.mark.parametrize(
    ("limit", "needed"),
    [
        (None, MIN_ARTICLES),  # no limit: the full corpus the issue asks for
        (1000, 1000),  # a limit larger than the data
    ],
)
def test_too_few_articles_is_a_clear_error(data: Path, limit: int | None, needed: int) -> None:
    with pytest.raises(SettingsError) as err:
        load_corpus(data, limit=limit)
    message = str(err.value)
    assert message.startswith(f"{data}: holds ")
    assert f"the benchmark needs {needed}" in message
    assert "--data DIR" in message
    assert "--limit N" in message


def test_run_bench_checks_the_corpus_before_measuring(data: Path) -> None:
    with pytest.raises(SettingsError, match="the benchmark needs 500"):
        run_bench(data, cold_runs=1)


def test_missing_data_directory(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound, match="the data directory does not exist; point --data DIR"):
        load_corpus(tmp_path / "nowhere")


@pytest.mark.parametrize("limit", [0, -3])
def test_limit_must_be_positive(data: Path, limit: int) -> None:
    with pytest.raises(SettingsError, match="--limit must be a positive number"):
        load_corpus(data, limit=limit)


def test_corpus_is_topped_up_from_neus(tmp_path: Path) -> None:
    text = tmp_path / "ecbplus" / "text" / "1"
    text.mkdir(parents=True)
    (text / "1_1ecb.txt").write_text("Crews restored power on Monday.\n", encoding="utf-8")
    (tmp_path / "neus").mkdir()
    (tmp_path / "neus" / "val.source").write_text(
        "TITLE=> A. ARTICLE=> One. [SEP] TITLE=> B. ARTICLE=> Two.\nTITLE=> C. ARTICLE=> Three.\n",
        encoding="utf-8",
    )
    articles, corpus = load_corpus(tmp_path, limit=3)
    assert [a.id for a in articles] == ["ecbplus/1/1_1ecb", "neus/1-1", "neus/1-2"]
    assert corpus == "3 articles: 1 ecbplus, 2 neus"


def test_timing_hook_leaves_the_analysis_unchanged(data: Path) -> None:
    articles, _ = load_corpus(data, limit=2)
    timings: dict[str, float] = {}
    timed = analyze_articles(articles, timings=timings)
    assert timed == analyze_articles(articles)
    assert set(timings) == {"cleanup", "parse", "claims"}
    assert all(seconds >= 0 for seconds in timings.values())


def test_articles_are_read_as_is(data: Path) -> None:
    articles, _ = load_corpus(data, limit=1)
    [article] = articles
    assert isinstance(article, Article)
    assert article.path is not None
    assert article.text == Path(article.path).read_text(encoding="utf-8")
