"""Duplicates and wire copies: the same report counted once.

Three levels, cheapest first:

* the **same URL** (normalised: no fragment, no tracking parameters) is one article;
* the **same text** (hash of the case-folded words) is one article, whatever URL
  or outlet it came under;
* a **near-duplicate** (an agency story republished by many outlets, with a new
  headline, a trimmed last paragraph, a local byline) is stored, but counted as
  a copy of its *origin*: MinHash signatures of word 5-gram shingles, looked up
  in an LSH index (datasketch), confirmed on the estimated Jaccard similarity.

A story then reports its independent origins, not its outlet count: ten reprints
of one wire story are one confirmation, not ten.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import MinHash, MinHashLSH

__all__ = [
    "NEAR_DUPLICATE_JACCARD",
    "NearDuplicateIndex",
    "content_hash",
    "minhash",
    "minhash_from_bytes",
    "minhash_to_bytes",
    "normalize_url",
]

# Permutations per signature: 128 estimates Jaccard within about +-0.09 (1/sqrt(128)),
# plenty to tell a reprint (0.6-1.0) from two reports of one event (under 0.2).
NUM_PERM = 128
# Word 5-grams: two independent reports of one event share names and numbers but
# rarely five words in a row outside quotes; a reprint shares almost all of them.
SHINGLE_WORDS = 5
# Estimated Jaccard of 5-gram shingles at or above which a text is a copy of an
# earlier one. A wire story with a new headline and its last two of ten paragraphs
# cut scores about 0.75; two outlets quoting the same statement at length score
# under 0.3 (tests/test_dedup.py builds both). 0.5 sits between with margin.
NEAR_DUPLICATE_JACCARD = 0.5
# Texts with fewer shingles than this (a caption, a one-line brief) are never
# called copies: a shared sentence would make them "identical".
MIN_SHINGLES = 20
# Query parameters that only track where a reader came from.
TRACKING_PARAMS = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|smid|sr_share)$", re.I)

_WORD = re.compile(r"\w+", re.UNICODE)
_SEED = 1  # fixed so that signatures stored today match signatures computed tomorrow
# Named, not left to the library's default, so a datasketch upgrade that changes the
# default cannot make stored signatures incomparable with new ones.
_SCHEME = "affine32"


def normalize_url(url: str) -> str:
    """A URL as the corpus keys it: lower-case scheme and host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    )
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def content_hash(text: str) -> str:
    """SHA-256 of the text's words, case-folded: spacing and punctuation changes do not count."""
    return hashlib.sha256(" ".join(_words(text)).encode("utf-8")).hexdigest()


def _shingles(text: str) -> set[bytes]:
    words = _words(text)
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def minhash(text: str) -> MinHash | None:
    """The MinHash signature of a text's word 5-grams; ``None`` when it is too short to tell copies by."""
    shingles = _shingles(text)
    if len(shingles) < MIN_SHINGLES:
        return None
    signature = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    signature.update_batch(list(shingles))
    return signature


def minhash_to_bytes(signature: MinHash) -> bytes:
    """The signature's hash values as bytes, for the database."""
    return np.asarray(signature.hashvalues, dtype=np.uint64).tobytes()


def minhash_from_bytes(data: bytes) -> MinHash:
    """The signature :func:`minhash_to_bytes` stored."""
    values = np.frombuffer(data, dtype=np.uint64)
    return MinHash(num_perm=len(values), seed=_SEED, hashvalues=values.copy(), scheme=_SCHEME)


class NearDuplicateIndex:
    """Which stored article a new text copies, if any (LSH over MinHash signatures).

    Each indexed article carries its origin, so a copy of a copy points at the
    first report of the group.
    """

    def __init__(self, threshold: float = NEAR_DUPLICATE_JACCARD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[int, MinHash] = {}
        self._origins: dict[int, int] = {}

    @classmethod
    def from_stored(cls, rows: Iterable[tuple[int, bytes, int | None]]) -> NearDuplicateIndex:
        """Rebuild the index from (article id, signature bytes, origin) rows of the database."""
        index = cls()
        for article, data, origin in rows:
            index.add(article, minhash_from_bytes(data), origin)
        return index

    def __len__(self) -> int:
        return len(self._signatures)

    def origin_of(self, signature: MinHash | None) -> int | None:
        """The origin article a text with this signature copies, ``None`` when it is original.

        Among candidates over the threshold, the most similar wins; ties go to
        the earliest stored article.
        """
        if signature is None or not self._signatures:
            return None
        best: tuple[float, int] | None = None
        for candidate in self._lsh.query(signature):
            similarity = signature.jaccard(self._signatures[candidate])
            if similarity >= self.threshold and (
                best is None or (similarity, -candidate) > (best[0], -best[1])
            ):
                best = (similarity, candidate)
        return None if best is None else self._origins[best[1]]

    def add(self, article: int, signature: MinHash, origin: int | None = None) -> None:
        """Index a stored article (``origin``: the article it copies, ``None`` for an original)."""
        if article in self._signatures:
            return
        self._lsh.insert(article, signature)
        self._signatures[article] = signature
        self._origins[article] = origin if origin is not None else article
