"""The public API is explicit and complete."""

import storydiff


def test_all_names_exist() -> None:
    for name in storydiff.__all__:
        assert hasattr(storydiff, name), name


def test_all_is_unique() -> None:
    assert len(set(storydiff.__all__)) == len(storydiff.__all__)


def test_pipeline_entry_points_are_exported() -> None:
    assert {"run", "compare_articles", "render", "report_to_dict", "Settings", "Report"} <= set(
        storydiff.__all__
    )


def test_corpus_entry_points_are_exported() -> None:
    assert {"open_store", "ingest", "story_report", "merge_stories", "split_story", "harvest"} <= set(
        storydiff.__all__
    )
