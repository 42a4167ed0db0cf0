"""Comparison on small reports written for each step: what is proposed, how it is scored, what is shown.

Structure proposes candidate pairs and one fitted scorer decides (see
``storydiff.compare``). The tables here check each part on its own: proposal
(deterministic), the scorer's ranking and calibration, and how scored pairs
become conflicts, possible differences, agreements and unique facts.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache

import numpy as np
import pytest

from storydiff.compare import candidate_pairs, compare_analyses
from storydiff.compare.embeddings import default_embedder
from storydiff.compare.features import FEATURES, feature_matrix
from storydiff.compare.pairs import Pair
from storydiff.compare.scorer import SCORER_ENV, PairScorer, fit_logistic, fit_platt, load_scorer
from storydiff.compare.thresholds import AGREEMENT_MIN_SIM
from storydiff.errors import ModelError
from storydiff.pipeline import analyze_articles
from storydiff.records import Analysis, Article


def _analyses(*texts: str, published: str = "2025-06-13") -> list[Analysis]:
    articles = [
        Article(id=f"r{i + 1}", text=t, path=f"r{i + 1}.txt", published=published)
        for i, t in enumerate(texts)
    ]
    return analyze_articles(articles)


@cache
def _proposed(*texts: str) -> tuple[list[Pair], np.ndarray]:
    pairs, x, _ = candidate_pairs(_analyses(*texts), default_embedder())
    return pairs, x


def _differing(*texts: str, kind: str | None = None) -> list[Pair]:
    pairs, _ = _proposed(*texts)
    return [p for p in pairs if not p.agree and (kind is None or p.kind == kind)]


def _permissive() -> PairScorer:
    """The packaged scorer with thresholds so low that every proposed pair is shown."""
    return dataclasses.replace(load_scorer(), threshold=1e-9, floor=1e-12)


DIFFERING = [
    # a death toll that differs between two outlets
    ("numeric", "Seven people were killed when the tower collapsed in Marlow on Thursday.",
     "Twelve people were killed when the tower collapsed in Marlow on Thursday."),
    # distances in different units that cannot be the same
    ("numeric", "The quake struck 40 kilometres from the city of Drenna, officials said.",
     "The quake struck about 80 miles from the city of Drenna, officials said."),
    # money in the same currency
    ("numeric", "The new stadium will cost $300 million, the council said.",
     "The council said the new stadium will cost $750 million."),
    # none against some
    ("numeric", "No one was hurt when the roof of the Brenn market hall fell in.",
     "Three shoppers were hurt when the roof of the Brenn market hall fell in."),
    # an event affirmed by one report and denied by another
    ("polarity", "The mayor signed the emergency order on Friday.",
     "The mayor did not sign the emergency order on Friday."),
    # two different days for the same act
    ("date", "The ferry Aster sank on 3 June off the coast of Brisa.",
     "The ferry Aster sank on 7 June off the coast of Brisa."),
    # two weekdays for one arrest
    ("date", "Police arrested the two men on Tuesday near the Orvik docks.",
     "Police arrested the two men on Thursday near the Orvik docks."),
    # the same words under two names
    ("attribution",
     '"We will rebuild every house in this valley before winter," said Mayor Ilse Brandt.',
     '"We will rebuild every house in this valley before winter," said Governor Tomas Feld.'),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "first", "second"), DIFFERING)
def test_differing_statements_are_proposed_across_reports(kind: str, first: str, second: str) -> None:
    pairs = _differing(first, second, kind=kind)
    assert pairs, f"no {kind} pair proposed"
    assert all({p.left.article, p.right.article} == {"r1", "r2"} for p in pairs)


COMPATIBLE = [
    # hedged counts that overlap
    ("About 200 firefighters fought the blaze in Corrin overnight.",
     "More than 190 firefighters fought the blaze in Corrin overnight."),
    # the same distance in two units
    ("The village lies 16 kilometres from the dam at Ostby.",
     "The village lies about ten miles from the dam at Ostby."),
    # a range that contains the other figure
    ("Between 40 and 60 homes were flooded in Leck.",
     "Some 50 homes were flooded in Leck."),
    # rounding of one figure
    ("The plant employs 1.2 million people across the region.",
     "The plant employs 1,190,000 people across the region."),
    # the same day as a date and as a weekday (13 June 2025 was a Friday)
    ("The mayor signed the order on Friday.", "The mayor signed the order on 13 June."),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second"), COMPATIBLE)
def test_values_that_can_both_hold_are_never_proposed_as_differing(first: str, second: str) -> None:
    assert [p for p in _differing(first, second) if p.kind in {"numeric", "date"}] == []


def test_one_voice_inside_one_report_is_not_compared_with_itself() -> None:
    text = "Seven people were killed in the collapse.\nLater counts put the dead at twelve, police said."
    assert all(
        p.left.article != p.right.article or p.left.speaker != p.right.speaker for p in _differing(text)
    )
    one_voice = "Seven people were killed in the collapse.\nTwelve people were killed in the collapse."
    assert _differing(one_voice) == []


RANKED = [
    # the same measure of one event ranks above two different measures of it
    ("Four people were injured in the crash on the A9 near Perth.",
     "Nine people were injured in the crash on the A9 near Perth.",
     "Forty people were evacuated from nearby houses after the crash on the A9."),
    ("The tanker spilled 3,000 tonnes of oil off Cape Rell, the coastguard said.",
     "The tanker spilled 8,000 tonnes of oil off Cape Rell, its owner said.",
     "The owner said the tanker carried 90,000 tonnes of crude when it left port."),
]  # fmt: skip


@pytest.mark.parametrize(("first", "same", "other"), RANKED)
def test_the_scorer_ranks_one_measure_above_two_different_measures(first: str, same: str, other: str) -> None:
    scorer = load_scorer()
    pairs, x = _proposed(first, same + "\n" + other)
    p = scorer.probability(x)
    same_p = max(
        pi
        for pair, pi in zip(pairs, p, strict=True)
        if not pair.agree and same[:12] in pair.right.sentence.text
    )
    other_p = max(
        pi
        for pair, pi in zip(pairs, p, strict=True)
        if not pair.agree and other[:12] in pair.right.sentence.text
    )
    assert same_p > other_p


def test_findings_carry_their_confidence_on_the_right_side_of_the_thresholds() -> None:
    texts = (
        "Seven people were killed when the tower collapsed in Marlow on Thursday.\n"
        "The new stadium will cost $300 million, the council said.",
        "Twelve people were killed when the tower collapsed in Marlow on Thursday.\n"
        "The council said the new stadium will cost $750 million.",
    )
    analyses = _analyses(*texts)
    pairs, x, _ = candidate_pairs(analyses, default_embedder())
    p = sorted(load_scorer().probability(x)[[not q.agree for q in pairs]].tolist())
    # put the threshold between the two strongest pairs: one conflict, the rest possible
    threshold = (p[-1] + p[-2]) / 2
    scorer = dataclasses.replace(load_scorer(), threshold=threshold, floor=1e-12)
    found = compare_analyses(analyses, default_embedder(), scorer)
    assert len(found.conflicts) == 1
    assert found.possible
    assert all(f.category == "conflict" and f.confidence >= threshold for f in found.conflicts)
    assert all(f.category == "possible" and f.confidence < threshold for f in found.possible)
    assert all(f.severity in {"major", "minor"} and f.explanation for f in found.conflicts + found.possible)
    # nothing is shown twice
    shown = [frozenset((s.article, s.start) for s in f.statements) for f in found.conflicts + found.possible]
    assert len(shown) == len(set(shown))


def test_a_scorer_that_believes_nothing_shows_no_conflict() -> None:
    scorer = dataclasses.replace(load_scorer(), threshold=1.0, floor=1.0)
    found = compare_analyses(_analyses(*DIFFERING[0][1:]), default_embedder(), scorer)
    assert found.conflicts == ()
    assert found.possible == ()


def test_same_figure_is_an_agreement() -> None:
    found = compare_analyses(
        _analyses(
            "Three climbers were rescued from Mount Verra on Sunday.",
            "Rescuers brought three climbers down from Mount Verra on Sunday.",
        ),
        default_embedder(),
    )
    assert found.conflicts == ()
    assert any(set(f.articles) == {"r1", "r2"} for f in found.agreements)


def test_two_speakers_in_one_report_are_a_candidate_with_both_names() -> None:
    text = (
        "Governor Lena Morrow said three guards were injured in the riot at Hale prison.\n"
        "The prison operator, Castra Services, said no one was injured in the riot."
    )
    found = compare_analyses(_analyses(text), default_embedder(), _permissive())
    numeric = [f for f in found.conflicts if f.kind == "numeric"]
    assert len(numeric) == 1
    speakers = {s.speaker for s in numeric[0].statements}
    assert len(speakers) == 2
    assert None not in speakers
    assert numeric[0].severity == "major"  # none against some


def test_quoted_figure_against_the_reports_own_figure() -> None:
    # the speaker tag follows the last line of the quotation: the earlier line is still the minister's
    text = (
        '"This bridge was worth every cent.\n'
        "We spent $40 million on it.\n"
        'It will serve the valley for a century," minister Petra Skov said.\n'
        "In the end the ministry spent $28 million on the bridge, most of it from a regional fund."
    )
    found = compare_analyses(_analyses(text), default_embedder(), _permissive())
    numeric = [f for f in found.conflicts if f.kind == "numeric"]
    assert len(numeric) == 1
    assert {s.speaker for s in numeric[0].statements} == {"Petra Skov", None}


def test_an_agreement_holds_only_sentences_that_all_paraphrase_each_other() -> None:
    # a chain: each sentence is close to the next, the first and the last are not
    chain = (
        "A fire broke out at the Korvin chemical plant in Dessa on Monday night.",
        "The fire at the Korvin chemical plant in Dessa forced residents to leave their homes on Monday night.",
        "The fire forced residents of Dessa to leave their homes, and they were told to keep their windows shut.",
        "Dessa's residents were told to keep their windows shut and stay indoors.",
    )
    vectors = default_embedder().encode(list(chain))
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = vectors @ vectors.T
    assert all(sims[i, i + 1] >= AGREEMENT_MIN_SIM + 0.03 for i in range(3))  # the links hold
    assert sims[0, 3] < AGREEMENT_MIN_SIM - 0.1  # the ends do not
    found = compare_analyses(_analyses(*chain), default_embedder())
    assert found.agreements
    position = {t: i for i, t in enumerate(chain)}
    for f in found.agreements:
        members = [position[s.text] for s in f.statements]
        assert all(sims[i, j] >= AGREEMENT_MIN_SIM for i in members for j in members), members
    assert not any({0, 3} <= {position[s.text] for s in f.statements} for f in found.agreements)


def test_unique_fact_is_reported_for_its_report() -> None:
    found = compare_analyses(
        _analyses(
            "The Harlow bridge was closed on Monday after engineers found a crack in a pier.",
            "Engineers found a crack in a pier of the Harlow bridge, which closed on Monday.\n"
            "The city's transport chief resigned later the same evening over the bridge budget.",
        ),
        default_embedder(),
    )
    unique_texts = [s.text for f in found.unique for s in f.statements]
    assert any("resigned" in t for t in unique_texts)
    assert all(f.articles == ("r2",) for f in found.unique)


def test_every_statement_points_at_its_words() -> None:
    texts = [c[1] + "\n" + c[2] for c in DIFFERING[:4]]
    analyses = _analyses(*texts, DIFFERING[0][2])
    found = compare_analyses(analyses, default_embedder(), _permissive())
    body = {a.article.id: a.article.text for a in analyses}
    findings = (*found.conflicts, *found.possible, *found.agreements, *found.unique)
    assert findings
    for finding in findings:
        for s in finding.statements:
            assert body[s.article][s.start : s.end] == s.text


def test_findings_name_outlets_not_article_ids() -> None:
    articles = [
        Article(id="a1", text=DIFFERING[0][1], outlet="Marlow Herald", published="2025-06-13"),
        Article(id="a2", text=DIFFERING[0][2], outlet="Northline Wire", published="2025-06-13"),
    ]
    found = compare_analyses(analyze_articles(articles), default_embedder(), _permissive())
    [finding] = [f for f in found.conflicts if f.kind == "numeric"]
    assert "Marlow Herald" in finding.explanation
    assert "Northline Wire" in finding.explanation
    assert "a1" not in finding.explanation.split()


# --- features: a table of varied sentences, one feature each ----------------------------------

FEATURE_CASES = [
    # (feature, value, first, second)
    ("same_noun", 1.0, "Seven miners were trapped in the Holt pit.", "Nine miners were trapped in the Holt pit."),
    ("other_noun", 1.0, "Seven miners were trapped in the Holt pit.",
     "Nine ponies were trapped in the Holt pit."),
    ("time_words_differ", 1.0, "The caravan once numbered about 1,200 people.",
     "About 150 people in the caravan plan to seek asylum."),
    ("hedged", 1.0, "About 200 homes lost power in Dunmere.", "Fifty homes lost power in Dunmere."),
    ("hedged", 0.0, "Two hundred homes lost power in Dunmere.", "Fifty homes lost power in Dunmere."),
    ("speakers_differ", 1.0, "Seven people died, Chief Ana Ruiz said.", "Nine people died, Mayor Karl Oste said."),
    ("one_attributed", 1.0, "Seven people died, Chief Ana Ruiz said.", "Nine people died in the blast."),
    ("years_differ", 1.0, "In 2004 the river flood killed 30 people in Vale.",
     "In 2011 the river flood killed 12 people in Vale."),
]  # fmt: skip


@pytest.mark.parametrize(("feature", "value", "first", "second"), FEATURE_CASES)
def test_feature_table(feature: str, value: float, first: str, second: str) -> None:
    pairs, x = _proposed(first, second)
    rows = [row for pair, row in zip(pairs, x, strict=True) if not pair.agree and pair.kind == "numeric"]
    assert rows, "no numeric pair proposed"
    assert rows[0][FEATURES.index(feature)] == value


def test_feature_matrix_has_one_row_per_pair_and_every_feature() -> None:
    analyses = _analyses(*DIFFERING[0][1:])
    pairs, x, ctx = candidate_pairs(analyses, default_embedder())
    assert x.shape == (len(pairs), len(FEATURES))
    assert np.isfinite(x).all()
    assert feature_matrix([], ctx).shape == (0, len(FEATURES))


# --- the scorer's fitting and loading ----------------------------------------------------------


def test_fit_logistic_learns_the_sign_and_platt_calibrates() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2000, 3))
    y = (x[:, 0] - 0.5 * x[:, 1] + rng.normal(scale=0.5, size=2000) > 0).astype(float)
    mean, scale, w, b = fit_logistic(x, y, np.ones(len(y)), l2=1.0)
    assert w[0] > 0 > w[1]
    assert abs(w[2]) < 0.3 * w[0]
    logits = ((x - mean) / scale) @ w + b
    a, c = fit_platt(logits, y)
    p = 1 / (1 + np.exp(-(a * logits + c)))
    # calibrated: the mean probability in each decile matches the observed rate
    order = np.argsort(p)
    for chunk in np.array_split(order, 10):
        assert abs(p[chunk].mean() - y[chunk].mean()) < 0.08


def test_packaged_scorer_is_fitted_on_these_features_with_ordered_thresholds() -> None:
    scorer = load_scorer()
    assert scorer.features == FEATURES
    assert 0 < scorer.floor <= scorer.threshold <= 1
    assert "tuning half" in scorer.fitted_on


def test_a_broken_or_stale_scorer_file_is_a_clear_model_error(tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="missing or broken"):
        load_scorer(broken)
    stale = tmp_path / "stale.json"
    data = json.loads(load_scorer().to_json())
    data["features"] = data["features"][:-1]
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="fit-scorer"):
        load_scorer(stale)


def test_the_scorer_named_by_the_environment_is_used(tmp_path, monkeypatch) -> None:
    eager = tmp_path / "eager.json"
    eager.write_text(_permissive().to_json(), encoding="utf-8")
    monkeypatch.setenv(SCORER_ENV, str(eager))
    assert load_scorer().threshold == _permissive().threshold
    monkeypatch.setenv(SCORER_ENV, str(tmp_path / "absent.json"))
    with pytest.raises(ModelError, match=r"absent\.json|missing or broken"):
        load_scorer()
