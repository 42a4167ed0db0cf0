"""The ingest benchmark's report: each figure printed beside its target."""

from __future__ import annotations

import json
import os

from storydiff.evaluation.corpusbench import DaskRun, IngestBenchResult, IngestRun, render_ingest_bench

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
    dask=(DaskRun(1, 64, 32.0, 31.0), DaskRun(2, 64, 20.0, 36.0)),
)


def test_the_table_prints_throughput_and_dask_scaling_beside_their_targets():
    out = render_ingest_bench(RESULT)
    assert "ingest, best: 2.50 articles/s (target >= 11.6: 10^6 a day)" in out
    # 64/20 over 64/32 articles per second
    assert "Dask scaling 1 -> 2 workers: 1.60x (target >= 1.8x;" in out
    assert "reports made" in out.splitlines()[2]
    # 36 s of worker CPU for 64 articles against 31 s: +16% per article; 36 of 2 x 20 s busy
    assert "CPU per article +16% on 2 workers against 1" in out
    assert "workers busy 90% of the time against 97%" in out


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
        "worker_cpu_seconds": 36.0,
        "workers_busy": 0.9,
        "cpu_ms_per_article": 562,
    }


def test_the_dask_figure_reads_the_workers_own_cpu_time_on_a_real_local_cluster():
    from storydiff.evaluation.corpusbench import measure_dask_analysis
    from storydiff.records import Article

    texts = [
        "The river rose two metres on Monday and 300 people left their homes, officials said.",
        "Firefighters fought the blaze for six hours; no one was hurt, the mayor said on Tuesday.",
        "Prices rose 4% in May, the statistics office said, the fastest pace in two years.",
    ]
    run = measure_dask_analysis([Article(id=str(n), text=t) for n, t in enumerate(texts)], 1)
    assert (run.workers, run.articles) == (1, 3)
    # the worker computed during the run, no more than all the machine's cores could
    assert 0 < run.cpu_seconds <= run.seconds * (os.cpu_count() or 1)
    assert run.busy == run.cpu_seconds / run.seconds
