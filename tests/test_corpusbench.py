"""The ingest benchmark's report: each figure printed beside its target."""

from __future__ import annotations

import json

from storydiff.evaluation.corpusbench import IngestBenchResult, IngestRun, render_ingest_bench

RESULT = IngestBenchResult(
    corpus="200 articles: 200 ecbplus-stories",
    cores=2,
    runs=(
        IngestRun(
            1, 200, 100.0, (("harvest", 1.0), ("analyze", 60.0), ("cluster", 1.0), ("report", 38.0)), 40, 25
        ),
        IngestRun(
            2, 200, 80.0, (("harvest", 1.0), ("analyze", 40.0), ("cluster", 1.0), ("report", 38.0)), 40, 25
        ),
    ),
    clustering=(("ecbplus-stories", 200, 80.0, 80.0),),
    dask=((1, 64, 32.0), (2, 64, 20.0)),
)


def test_the_table_prints_throughput_and_dask_scaling_beside_their_targets():
    out = render_ingest_bench(RESULT)
    assert "ingest, best: 2.50 articles/s (target >= 11.6: 10^6 a day)" in out
    # 64/20 over 64/32 articles per second
    assert "Dask scaling 1 -> 2 workers: 1.60x (target >= 1.8x;" in out
    assert "reports made" in out.splitlines()[2]


def test_the_json_carries_the_same_figures():
    data = json.loads(render_ingest_bench(RESULT, "json"))
    assert data["dask_scaling"] == 1.6
    assert data["target_dask_scaling"] == 1.8
    assert [r["reports_made"] for r in data["runs"]] == [25, 25]
    assert data["dask_analysis"][1] == {
        "workers": 2,
        "articles": 64,
        "seconds": 20.0,
        "articles_per_second": 3.2,
    }
