"""Analysis cost by text length: long texts in pieces, lookups that do not walk the whole Doc.

No test here is timed (the machine is shared; `storydiff bench --sizes` gives the
figures). Linearity is checked by counting the Python and spaCy calls the
analysis makes, which is the same on every run: a text four times as long may
cost about four times the calls, never the sixteen times of per-sentence work
over the whole article.
"""

from __future__ import annotations

import cProfile
import json
import pstats

import pytest
from click.testing import CliRunner

from storydiff.analysis.claims import analyze
from storydiff.analysis.cleanup import clean_text
from storydiff.analysis.nlp import doc_index, load_nlp, parse, parse_many, split_pieces
from storydiff.cli import cli
from storydiff.evaluation.bench import (
    SIZE_STAGES,
    SYNTHETIC_PUBLISHED,
    SizeBenchResult,
    SizeRun,
    StageTime,
    render_size_bench,
    run_size_bench,
    synthetic_text,
)
from storydiff.pipeline import analyze_articles
from storydiff.records import Analysis, Article

pytestmark = pytest.mark.slow


def _article(chars: int) -> Article:
    return Article(id=f"synthetic-{chars}", text=synthetic_text(chars), published=SYNTHETIC_PUBLISHED)


def _claim_keys(analysis: Analysis) -> set[tuple[object, ...]]:
    return {(c.kind, c.start, c.end, c.value, c.speaker, c.subject, c.frame) for c in analysis.claims}


def _assert_offsets_point_into(analysis: Analysis, text: str) -> None:
    for sentence in analysis.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    for claim in analysis.claims:
        assert 0 <= claim.start <= claim.end <= len(text)
        assert claim.sentence.start <= claim.start
        if claim.quantity is not None:
            assert text[claim.start : claim.end] == claim.quantity.text
        if claim.date is not None:
            assert text[claim.start : claim.end] == claim.date.text
    for attribution in analysis.attributions:
        assert text[attribution.content_start : attribution.content_end] == attribution.content
        assert text[attribution.cue_start : attribution.cue_end] == attribution.cue


# --------------------------------------------------------------------------- pieces


def test_text_longer_than_the_models_limit_is_analysed_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    article = _article(12_000)
    whole = analyze_articles([article])[0]  # one piece: the text is far below the limit
    pieces: list[list[str]] = []

    def split_and_record(text: str, limit: int) -> list[str]:
        pieces.append(split_pieces(text, limit))
        return pieces[-1]

    monkeypatch.setattr(load_nlp(), "max_length", 2_500)  # spaCy refuses longer texts (E088)
    monkeypatch.setattr("storydiff.analysis.nlp.split_pieces", split_and_record)

    (long,) = analyze_articles([article])

    assert len(pieces) == 1  # one long text
    assert len(pieces[0]) >= 5  # parsed as pieces of at most 2,500 characters
    assert max(len(p) for p in pieces[0]) <= 2_500
    _assert_offsets_point_into(long, article.text)
    # cut at blank lines, where sentences end anyway: the same sentences and claims as in one go
    assert [(s.start, s.end) for s in long.sentences] == [(s.start, s.end) for s in whole.sentences]
    assert _claim_keys(long) == _claim_keys(whole)
    assert long.attributions == whole.attributions


def test_parse_joins_the_pieces_into_one_doc_over_the_whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = synthetic_text(6_000)
    monkeypatch.setattr(load_nlp(), "max_length", 1_000)
    doc = parse(text)
    assert doc.text == clean_text(text)  # furniture blanked, every other character where it was
    assert len(doc.text) == len(text)
    assert doc[0].is_sent_start
    assert all(len(s.text) <= 1_000 for s in doc.sents)


def test_parse_many_keeps_order_when_long_and_short_texts_mix(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        "Police closed the road on Monday.",
        synthetic_text(5_000),
        "Two people were hurt.",
        synthetic_text(3_000),
    ]
    monkeypatch.setattr(load_nlp(), "max_length", 2_000)
    docs = list(parse_many(texts, batch_size=2))
    assert [d.text for d in docs] == [clean_text(t) for t in texts]


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        # a blank line in the last half of the piece: the cut falls after it
        ("One two.\n\nThree four.\n\nFive.", 14, ["One two.\n\n", "Three four.\n\n", "Five."]),
        # no blank line: after a line break
        ("One two.\nThree four.\nFive six.", 14, ["One two.\n", "Three four.\n", "Five six."]),
        # one line: after the end of a sentence
        ("One two. Three four. Five six.", 14, ["One two. ", "Three four. ", "Five six."]),
        # one sentence: after a space
        ("one two three four five six", 14, ["one two three ", "four five six"]),
        # no space at all: at the limit
        ("abcdefghijklmnopqrstuvwxyz", 10, ["abcdefghij", "klmnopqrst", "uvwxyz"]),
        # a blank line in the first half only: a later sentence end is preferred (no tiny pieces)
        ("A.\n\nOne two three. Four five six.", 20, ["A.\n\nOne two three. ", "Four five six."]),
        # short enough: one piece
        ("Short.", 100, ["Short."]),
    ],
)
def test_split_pieces(text: str, limit: int, pieces: list[str]) -> None:
    assert split_pieces(text, limit) == pieces
    assert "".join(pieces) == text


# --------------------------------------------------------------------------- lookups


def test_doc_index_answers_what_spacy_answers_by_walking_the_doc() -> None:
    doc = parse(synthetic_text(4_000))
    index = doc_index(doc)
    assert index.text == doc.text
    ents = list(doc.ents)
    for sent in doc.sents:
        assert index.ents_in(doc, sent.start, sent.end) == list(sent.ents)
        first, last = sent.start, sent.end - 1
        assert index.ents_touching(doc, first, last) == [e for e in ents if e.end > first and e.start <= last]
        start, end = sent.start_char, sent.end_char
        assert index.tokens_at(doc, start + 3, end - 3) == [t for t in doc if start + 3 <= t.idx < end - 3]
    for token in doc:
        assert index.ent_of(doc, token.i) == next((e for e in ents if e.start <= token.i < e.end), None)
    assert doc_index(doc) is index  # built once per Doc


# --------------------------------------------------------------------------- growth


def _analysis_calls(chars: int) -> int:
    """Function calls (Python and spaCy's) that analysing a parsed synthetic text makes."""
    article = _article(chars)
    doc = parse(article.text)
    # caches and lazy imports: dateparser too, which "the week to March 5" of the synthetic text needs
    analyze(article, parse("Warm up on June 3, 2020, the council said. Cases rose in the week to June 10."))
    profile = cProfile.Profile()
    profile.enable()
    analyze(article, doc)
    profile.disable()
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined, no-any-return]


def test_analysis_work_grows_linearly_with_text_length() -> None:
    small, large = _analysis_calls(6_000), _analysis_calls(24_000)
    # four times the text: about four times the calls (reading each sentence), not the
    # sixteen times of reading the whole article for each sentence or claim
    assert large / small < 5.5, (small, large)


# --------------------------------------------------------------------------- the benchmark


def test_synthetic_text_has_the_length_asked_and_no_repeated_paragraph() -> None:
    text = synthetic_text(50_000)
    assert len(text) == 50_000
    assert text == synthetic_text(50_000)
    paragraphs = text.split("\n\n")[:-1]  # the last one is cut at the length
    # furniture ("Read more: ...", "Advertisement") repeats, as on real pages; reporting does not
    reporting = [p for p in paragraphs if p != "Advertisement" and not p.startswith("Read more")]
    assert len(set(reporting)) == len(reporting)


def test_size_bench_analyses_each_size_in_a_fresh_process() -> None:
    result = run_size_bench([2])
    (run,) = result.runs
    assert run.chars == 2_000
    assert [s.name for s in run.stages] == list(SIZE_STAGES)
    assert run.sentences > 0
    assert run.claims > 0
    assert run.peak_rss_mb >= run.loaded_rss_mb > 0
    assert run.seconds > 0


def _size_result() -> SizeBenchResult:
    runs = tuple(
        SizeRun(kb, kb * 1000, 12 * kb, 30 * kb, (StageTime("cleanup", 0.0), StageTime("parse", 0.2 * kb),
                StageTime("claims", 0.05 * kb)), 0.2 * kb, 390.0, 390.0 + kb / 4)
        for kb in (10, 2000)
    )  # fmt: skip
    return SizeBenchResult(runs, (("python", "3"),))


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_size_bench_renders_in_every_format(fmt: str) -> None:
    text = render_size_bench(_size_result(), fmt)
    assert "2,000" in text or '"kb": 2000' in text
    if fmt == "json":
        assert json.loads(text)["runs"][1]["seconds_per_kb"] == 0.25
    else:
        assert "0.250" in text  # seconds per kB of the 2,000 kB run


def test_size_flag_without_sizes_says_how_to_use_it() -> None:
    result = CliRunner().invoke(cli, ["bench", "--size", "5"])
    assert result.exit_code == 1
    assert result.stderr == "Error: --size only goes with --sizes: storydiff bench --sizes --size 50\n"
