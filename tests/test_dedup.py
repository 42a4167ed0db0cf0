"""Duplicates and wire copies: hashes, URLs, MinHash near-duplicates (invented reports)."""

from __future__ import annotations

import pytest

from storydiff.corpus.dedup import (
    NearDuplicateIndex,
    content_hash,
    minhash,
    minhash_from_bytes,
    minhash_to_bytes,
    normalize_url,
)

# An invented agency story of ten paragraphs.
WIRE = [
    "Flooding forced the evacuation of about 3,000 residents from low-lying districts of Port Amsel on Tuesday, "
    "the regional emergency service said.",
    "The river Vell rose more than two metres overnight after four days of heavy rain, breaching a levee near the "
    "old harbour.",
    "Rescue teams used boats to reach families trapped on upper floors in the Kessin and Marrow neighbourhoods.",
    "Two people were taken to hospital with hypothermia, according to the city's health department.",
    "Mayor Ilse Brandvik said temporary shelters had been opened in three schools and a sports hall.",
    '"We are asking everyone in the marked zones to leave now and not to wait for the water," she told reporters.',
    "The national weather office has issued its highest warning for the region until Thursday morning.",
    "Rail services between Port Amsel and the capital were suspended after water covered the tracks at Dorn.",
    "Insurers said it was too early to estimate the damage, but local businesses reported flooded warehouses.",
    "The last comparable flood in the region, in 2009, displaced about 5,000 people.",
]

# The same story as an outlet reprints it: its own headline, a byline, the last two paragraphs cut.
REPRINT = "\n".join(["Thousands flee as river Vell bursts its banks", "By Wire Staff", *WIRE[:8]])

# Another outlet's own report of the same flood: the same facts and the same quote, its own words.
INDEPENDENT = "\n".join(
    [
        "Port Amsel residents spent Tuesday night in school gyms as the Vell flooded the harbour districts.",
        "Around 3,000 people left their homes, emergency officials said, after a levee gave way near the old port.",
        "In the Kessin district, volunteers in kayaks ferried pensioners to dry ground.",
        '"We are asking everyone in the marked zones to leave now and not to wait for the water," '
        "Mayor Ilse Brandvik said.",
        "Hospitals treated two people for hypothermia.",
        "Trains to the capital stopped running after the line at Dorn went under water.",
        "Forecasters kept the region under a red warning until Thursday.",
        "Shop owners along the quay said their stock was ruined, but insurers would not yet put a figure on losses.",
    ]
)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # spacing, case and punctuation do not make another text
        ("Two people were hurt.", "two  people\nwere hurt", True),
        # one word more does
        ("Two people were hurt.", "Two people were badly hurt.", False),
    ],
)
def test_content_hash(a, b, same):
    assert (content_hash(a) == content_hash(b)) is same


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # tracking parameters and the fragment go, the host is lower-cased
        ("https://News.Example.com/a?utm_source=rss&id=7#top", "https://news.example.com/a?id=7"),
        # an empty path is the root
        ("http://example.com", "http://example.com/"),
        # real parameters stay in their order
        ("https://example.com/s?b=2&a=1", "https://example.com/s?b=2&a=1"),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_reprint_is_a_copy_and_an_independent_report_is_not():
    original = minhash("\n".join(WIRE))
    index = NearDuplicateIndex()
    index.add(1, original)
    reprint = minhash(REPRINT)
    assert reprint is not None
    assert reprint.jaccard(original) >= 0.6
    assert index.origin_of(reprint) == 1
    independent = minhash(INDEPENDENT)
    assert independent is not None
    assert independent.jaccard(original) < 0.3
    assert index.origin_of(independent) is None


def test_a_copy_of_a_copy_points_at_the_origin():
    index = NearDuplicateIndex()
    index.add(1, minhash("\n".join(WIRE)))
    index.add(2, minhash(REPRINT), origin=1)
    # a third outlet reprints the reprint, cutting one more paragraph
    third = minhash("\n".join(["River Vell floods Port Amsel", *WIRE[:7]]))
    assert index.origin_of(third) == 1


def test_short_texts_are_never_copies():
    assert minhash("Two people were hurt in the fire, police said.") is None
    assert NearDuplicateIndex().origin_of(None) is None


def test_signatures_survive_the_database_and_rebuild_the_index():
    signature = minhash("\n".join(WIRE))
    again = minhash_from_bytes(minhash_to_bytes(signature))
    assert again.jaccard(signature) == 1.0
    index = NearDuplicateIndex.from_stored([(5, minhash_to_bytes(signature), None)])
    assert len(index) == 1
    assert index.origin_of(minhash(REPRINT)) == 5
