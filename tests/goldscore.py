"""Score a storydiff JSON report against a gold file (the format of the demo's gold.json).

The project's own implementation of the public matching rules: a gold statement is
found when a report statement of the same article carries evidence text containing
the gold quote (or lying inside it); numeric statements must also share a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_WORD_NUMBERS = {"no one": 0, "nobody": 0, "none": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4,
                 "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "dozen": 12}  # fmt: skip


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("’", "'").replace("‘", "'")).strip().lower()


def _numbers(value: Any) -> set[float]:
    text = _norm(str(value)) if value is not None else ""
    found = set()
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion)?", text):
        scale = {"thousand": 1e3, "million": 1e6, "billion": 1e9}.get(m.group(2) or "", 1)
        found.add(round(float(m.group(1).replace(",", "")) * scale, 3))
    found |= {float(n) for w, n in _WORD_NUMBERS.items() if re.search(rf"\b{w}\b", text)}
    return found


@dataclass
class Score:
    discrepancies: int
    found: list[str]
    missed: list[str]
    conflicts: int
    right: int
    corroborated: int
    corroborated_found: list[str]

    @property
    def recall(self) -> float:
        return len(self.found) / self.discrepancies if self.discrepancies else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.conflicts if self.conflicts else 1.0

    @property
    def corroborated_recall(self) -> float:
        return len(self.corroborated_found) / self.corroborated if self.corroborated else 1.0


def score(gold: dict, report: dict) -> Score:
    """Compare a report (dict of the JSON contract) with a gold dict."""
    doc_of = {a["id"]: Path(a.get("path") or a.get("url") or a["id"]).stem for a in report["articles"]}

    def finds(st: dict, g: dict, numeric: bool) -> bool:
        if doc_of.get(st["article"]) != g["doc"]:
            return False
        text, quote = _norm(st["text"]), _norm(g["quote"])
        if not (quote in text or (len(text) >= 20 and text in quote)):
            return False
        if numeric:
            a, b = _numbers(g.get("value")), _numbers(st.get("value"))
            if a and b and not a & b:
                return False
        return True

    def hits(finding: dict, statements: list[dict], numeric: bool) -> set[tuple[str, str]]:
        return {
            (g["doc"], g["quote"])
            for g in statements
            for st in finding["statements"]
            if finds(st, g, numeric)
        }

    found, right = [], 0
    for d in gold.get("discrepancies", []):
        numeric = d.get("kind") == "numeric"
        if any(len(hits(c, d["statements"], numeric)) >= 2 for c in report["conflicts"]):
            found.append(d["what"])
    for c in report["conflicts"]:
        if any(
            len(hits(c, d["statements"], d.get("kind") == "numeric")) >= 2
            for d in gold.get("discrepancies", [])
        ):
            right += 1
    corr = []
    for c in gold.get("corroborated", []):
        for a in report["agreements"]:
            h = hits(a, c["statements"], False)
            if len(h) >= 2 and len({doc for doc, _ in h}) >= 2:
                corr.append(c["what"])
                break
    whats = [d["what"] for d in gold.get("discrepancies", [])]
    return Score(
        len(whats),
        found,
        [w for w in whats if w not in found],
        len(report["conflicts"]),
        right,
        len(gold.get("corroborated", [])),
        corr,
    )
