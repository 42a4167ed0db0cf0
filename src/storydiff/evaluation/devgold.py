"""The development gold set for compare: annotated events, their reports, and a checker.

Each event is one JSON file (the format of ``shared/eval/belgorod/gold.json``
plus an ``updates`` list) in a gold folder, by default the project's
``tests/fixtures/devgold``. Its ``docs`` map a document id to where the report
lives inside the evaluation data folder (``shared/eval``)::

    "1_10ecb": "ecbplus/text/1/1_10ecb.txt"          a text file of the data
    "neus071-0": "neus/val.source#71:0"               line 71 of a NeuS file, part 0

NeuS parts are written out as ``<title>\\n<body>`` text files, so the quotes of
an annotation are exact substrings of what storydiff reads. ECB+ texts come
tokenised ("a crowd of 22, 000", "a 9. 1-magnitude quake", "at 07: 37"): their
numbers are rejoined as printed before storydiff reads them, and the quotes of
ECB+ events the same way, so a figure is not read as two. ``split.json`` in
the same folder fixes, once, which events are for tuning and which for
validation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storydiff.errors import EvalDataError

__all__ = [
    "DISCREPANCY_KINDS",
    "GoldEvent",
    "check_event",
    "default_gold_dir",
    "load_events",
    "load_split",
    "report_paths",
]

# What a discrepancy can be about; the conflict kinds a report can show.
DISCREPANCY_KINDS = frozenset({"numeric", "date", "polarity", "actor", "place", "attribution", "title"})
SEVERITIES = frozenset({"major", "minor"})
# A number split by ECB+'s tokeniser: "22, 000" (a thousands group: 1-3 digits, then 3),
# "9. 1", "07: 37".
_SPLIT_NUMBER = re.compile(r"(?<![\d,.])(\d{1,3}), (?=\d{3}(?!\d))|(?<=\d)([.:]) (?=\d)")
_NEUS_PART = re.compile(r"TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<body>.*)", re.S)


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One annotated event: its name, the path of its gold file, and the gold as read."""

    name: str
    path: Path
    gold: Mapping[str, Any]

    @property
    def docs(self) -> Mapping[str, str]:
        """Document id -> location inside the evaluation data folder."""
        return dict(self.gold.get("docs", {}))


def default_gold_dir() -> Path:
    """The project's development gold (``tests/fixtures/devgold`` of a checkout)."""
    return Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "devgold"


def load_events(gold_dir: Path, names: Iterable[str] | None = None) -> list[GoldEvent]:
    """The events of a gold folder (all of them, or the ones named), sorted by name."""
    if not gold_dir.is_dir():
        raise EvalDataError("the development gold folder is missing; give --gold DIR", input=str(gold_dir))
    wanted = set(names) if names is not None else None
    events = []
    for path in sorted(gold_dir.glob("*.json")):
        if path.name == "split.json" or (wanted is not None and path.stem not in wanted):
            continue
        gold = _read(path)
        if isinstance(gold, dict) and gold.get("source") == "ecbplus":
            gold = _rejoined(gold)
        events.append(GoldEvent(path.stem, path, gold))
    if wanted is not None and len(events) != len(wanted):
        absent = sorted(wanted - {e.name for e in events})
        raise EvalDataError(f"no gold file for {', '.join(absent)}", input=str(gold_dir))
    return events


def load_split(gold_dir: Path) -> dict[str, list[str]]:
    """The fixed tuning / validation split: half name -> event names."""
    split = _read(gold_dir / "split.json")
    if not isinstance(split, dict) or not {"tuning", "validation"} <= split.keys():
        raise EvalDataError("split.json must list 'tuning' and 'validation' events", input=str(gold_dir))
    return {half: list(split[half]) for half in ("tuning", "validation")}


def report_paths(event: GoldEvent, data: Path, work: Path) -> list[Path]:
    """The files of an event's reports, NeuS parts written out under ``work``."""
    paths = []
    for doc, where in event.docs.items():
        path = work / "devgold-docs" / f"{doc}.txt"
        if "#" in where:
            text = _neus_text(data, where, event)
        else:
            source = data / where
            if not source.is_file():
                raise EvalDataError(f"report {doc} not found at {source}", input=str(event.path))
            text = source.read_text(encoding="utf-8")
            if event.gold.get("source") == "ecbplus":
                text = rejoin_numbers(text)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def rejoin_numbers(text: str) -> str:
    """Numbers split by a tokeniser rejoined: "22, 000" -> "22,000", "9. 1" -> "9.1"."""
    return _SPLIT_NUMBER.sub(lambda m: f"{m[1]}," if m[1] else m[2], text)


def _rejoined(value: Any) -> Any:
    """A gold record with its quotes and values rejoined like the texts they quote."""
    if isinstance(value, dict):
        return {
            k: rejoin_numbers(v) if k in {"quote", "value"} and isinstance(v, str) else _rejoined(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_rejoined(v) for v in value]
    return value


def doc_texts(event: GoldEvent, data: Path, work: Path) -> dict[str, str]:
    """Document id -> the text storydiff reads for it."""
    return {
        doc: path.read_text(encoding="utf-8")
        for doc, path in zip(event.docs, report_paths(event, data, work), strict=True)
    }


def check_event(event: GoldEvent, data: Path, work: Path) -> list[str]:
    """What is wrong with an annotation (empty when nothing is): shape, kinds, and every quote
    an exact substring of its document that does not cross a line break."""
    problems: list[str] = []
    gold = event.gold
    for key in ("event", "docs", "discrepancies", "corroborated", "unique", "updates"):
        if key not in gold:
            problems.append(f"missing key {key!r}")
    if problems:
        return problems
    texts = doc_texts(event, data, work)

    def quote_ok(where: str, st: Mapping[str, Any]) -> None:
        doc, quote = st.get("doc"), st.get("quote")
        if doc not in texts:
            problems.append(f"{where}: unknown doc {doc!r}")
        elif not isinstance(quote, str) or not quote.strip():
            problems.append(f"{where}: empty quote")
        elif quote not in texts[doc]:
            problems.append(f"{where}: quote not in {doc}: {quote!r}")
        elif "\n" in quote:
            problems.append(f"{where}: quote crosses a line break: {quote!r}")

    for n, d in enumerate(gold["discrepancies"]):
        where = f"discrepancy {n} ({d.get('what')})"
        if d.get("kind") not in DISCREPANCY_KINDS:
            problems.append(f"{where}: kind {d.get('kind')!r} is none of {sorted(DISCREPANCY_KINDS)}")
        if d.get("severity") not in SEVERITIES:
            problems.append(f"{where}: severity must be major or minor")
        statements = d.get("statements", [])
        if len({(s.get("doc"), s.get("quote")) for s in statements}) < 2:
            problems.append(f"{where}: needs two different statements")
        for s in statements:
            quote_ok(where, s)
            if d.get("kind") == "numeric" and not s.get("value"):
                problems.append(f"{where}: a numeric statement needs its value")
    for n, c in enumerate(gold["corroborated"]):
        statements = c.get("statements", [])
        if len({s.get("doc") for s in statements}) < 2:
            problems.append(f"corroborated {n} ({c.get('what')}): needs statements of two docs")
        for s in statements:
            quote_ok(f"corroborated {n}", s)
    for n, u in enumerate(gold["unique"]):
        quote_ok(f"unique {n}", u)
    for n, u in enumerate(gold["updates"]):
        for s in u.get("statements", []):
            quote_ok(f"update {n}", s)
    return problems


def _neus_text(data: Path, where: str, event: GoldEvent) -> str:
    file, _, loc = where.partition("#")
    line_no, _, part = loc.partition(":")
    lines = (data / file).read_text(encoding="utf-8").splitlines()
    try:
        m = _NEUS_PART.search(lines[int(line_no)].split("[SEP]")[int(part)])
    except (ValueError, IndexError):
        m = None
    if m is None:
        raise EvalDataError(f"no NeuS article at {where}", input=str(event.path))
    return f"{m['title']}\n{m['body'].strip()}\n"


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalDataError("file not found", input=str(path)) from None
    except (OSError, ValueError) as exc:
        raise EvalDataError(f"not readable JSON ({exc})", input=str(path)) from None


def main(argv: list[str] | None = None) -> int:
    """``python -m storydiff.evaluation.devgold [--data DIR] [--gold DIR] [EVENT ...]``: check annotations."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m storydiff.evaluation.devgold", description=main.__doc__)
    parser.add_argument("events", nargs="*", help="event names (default: every gold file)")
    parser.add_argument("--data", type=Path, default=Path("..") / "shared" / "eval")
    parser.add_argument("--gold", type=Path, default=default_gold_dir())
    args = parser.parse_args(argv)
    bad = 0
    with tempfile.TemporaryDirectory() as work:
        for event in load_events(args.gold, args.events or None):
            problems = check_event(event, args.data, Path(work))
            gold = event.gold
            counts = ", ".join(
                f"{len(gold.get(k, []))} {k}" for k in ("discrepancies", "corroborated", "unique", "updates")
            )
            print(f"{event.name}: {'ok' if not problems else f'{len(problems)} problems'} ({counts})")
            for p in problems:
                print(f"  - {p}")
            bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
