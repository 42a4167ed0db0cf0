"""Records to JSON and back: the one codec for stored analyses and for reports.

Both directions are driven by the records' type hints, so a round trip is
exact (tuples stay tuples, nested records stay records, dates stay dates).
Two contracts use it:

- the corpus database keeps every :class:`~storydiff.records.Analysis` with its
  claims, compactly (:func:`dumps`, :func:`loads`; :func:`to_data` and
  :func:`from_data` for the plain data). A stored record is its fields in
  order; a field missing from an older database reads as its default.
- a :class:`~storydiff.records.Report` is written as the versioned public
  contract ``storydiff.report/2`` documented in ``docs/json-contract.md``
  (:func:`report_to_dict`, :func:`report_from_dict`, :func:`render_json`). A
  :class:`Layout` per record says where that contract differs from the fields
  in order: keys computed for readers' convenience (an article's ``chars``),
  keys written only when set (a story report's), a finding's category given by
  the section it sits in. Every key is required when read unless its layout
  says otherwise, and a reader's error names the key's path
  (``report.conflicts[0].statements[1].start``).

Only the shapes the records use are supported: dataclasses, ``tuple[X, ...]``,
fixed tuples, ``X | None``, ``str``, ``int``, ``float``, ``bool`` and
:class:`datetime.date`. Anything else is a programming error (``TypeError``).

Dates are written as ISO 8601 days with a four-digit year; :func:`iso_day` pads
the year of a date string written with fewer digits ("999-01-01", which
``strftime("%Y")`` gives on Linux for years below 1000).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import operator
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, TypeVar, Union

from storydiff.errors import StoreError, StorydiffError
from storydiff.records import Article, Claim, Finding, Report, TimelineEntry
from storydiff.report.safety import without_raw_controls

__all__ = [
    "OLD_SCHEMA",
    "REPORT_CONTRACT",
    "SCHEMA",
    "STORE_CONTRACT",
    "Contract",
    "Layout",
    "dumps",
    "from_data",
    "iso_day",
    "loads",
    "render_json",
    "report_from_dict",
    "report_to_dict",
    "to_data",
]

T = TypeVar("T")

# The JSON contract's name and major version. Additive changes (a new key) keep
# the number; renaming, removing or changing the meaning of a key bumps it. "/2":
# conflicts are only the pair scorer's confident ones, the others are "possible",
# and findings carry a "confidence".
SCHEMA = "storydiff.report/2"
# Reports of the previous major version read as ones with no possible differences and no confidence.
OLD_SCHEMA = "storydiff.report/1"
READABLE_SCHEMAS = (SCHEMA, OLD_SCHEMA)
SCHEMA_FAMILY = "storydiff.report/"

# JSON has no infinity; a hedged quantity ("more than 50") has an open upper bound.
_INFINITIES = {"inf": math.inf, "-inf": -math.inf}
# A date or timestamp whose year has one to three digits.
_SHORT_YEAR = re.compile(r"(\d{1,3})(?=-\d\d(?:-\d\d)?(?:[T ]|$))")


def iso_day(value: str) -> str:
    """``value`` with the year of a leading ISO date zero-padded to four digits; anything else as is.

    >>> iso_day("999-01-01"), iso_day("2024-03-05"), iso_day("yesterday")
    ('0999-01-01', '2024-03-05', 'yesterday')
    """
    short = _SHORT_YEAR.match(value)
    return short.group(1).zfill(4) + value[short.end() :] if short else value


# ------------------------------------------------------------------ contracts


@dataclass(frozen=True, slots=True)
class Layout:
    """How one record type is written where that is not simply its fields in order.

    ``keys`` are written in their order: each is a field of the record, or a key
    of ``written`` (then computed from the record, and ignored when read unless
    it is also a field). A field left out of ``keys`` is not written; when read,
    the enclosing record's ``given`` supplies it.
    """

    keys: tuple[str, ...]
    written: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()  # may be absent when read: the field's default then
    omitted_unset: frozenset[str] = frozenset()  # written only when not the field's default
    given: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # key -> fields of its items
    # key -> (test of the raw value, what it should be): a value the type allows but the contract does not
    checks: Mapping[str, tuple[Callable[[Any], bool], str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Contract:
    """A JSON shape for records: the layouts that differ from the fields, and whether keys may be missing.

    ``strict``: every key not declared optional must be present when read.
    Otherwise a missing key reads as the field's default (a database written
    before the field existed).
    """

    layouts: Mapping[type, Layout]
    strict: bool


STORE_CONTRACT = Contract(layouts={}, strict=False)


def _published(record: Article | TimelineEntry) -> str | None:
    """A publication date as the contract writes it, ``YYYY-MM-DD`` with four year digits."""
    return iso_day(record.published) if record.published else record.published


def _probability(value: object) -> bool:
    return value is None or (
        isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
    )


# The report's finding sections and the category each one gives its findings.
SECTIONS = {
    "conflicts": "conflict",
    "possible": "possible",
    "updates": "update",
    "agreements": "agreement",
    "unique": "unique",
}
_STORY_KEYS = frozenset({"story", "origins", "updates", "timeline"})

REPORT_CONTRACT = Contract(
    layouts={
        Report: Layout(
            keys=(
                "schema",
                "story",
                "articles",
                "origins",
                "conflicts",
                "possible",
                "updates",
                "agreements",
                "unique",
                "timeline",
                "attributions",
                "rejected",
                "warnings",
            ),
            written={"schema": lambda _: SCHEMA},
            # a story report's keys: a plain comparison has none, and reports from before them read
            optional=_STORY_KEYS,
            omitted_unset=_STORY_KEYS,
            given={key: {"category": category} for key, category in SECTIONS.items()},
        ),
        Article: Layout(
            keys=("id", "path", "url", "title", "outlet", "published", "author", "language", "chars", "text"),
            written={"published": _published, "chars": lambda a: len(a.text)},
        ),
        Finding: Layout(
            keys=(
                "kind",
                "subject",
                "attribute",
                "severity",
                "confidence",
                "explanation",
                "statements",
                "articles",
                "count",
            ),
            written={"articles": lambda f: list(f.articles), "count": lambda f: len(f.articles)},
            optional=frozenset({"confidence"}),  # absent in /1 reports
            checks={"confidence": (_probability, "a number from 0 to 1 or null")},
        ),
        TimelineEntry: Layout(
            keys=("published", "category", "kind", "subject", "attribute", "outlet", "statement"),
            written={"published": _published},
        ),
    },
    strict=True,
)


# ------------------------------------------------------------------ writing


def to_data(value: Any, contract: Contract = STORE_CONTRACT) -> Any:
    """Plain JSON-ready data for a record (or a tuple, date or scalar), in ``contract``'s shape."""
    if value is None or isinstance(value, str | int):  # bool is an int
        return value
    if isinstance(value, float):
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else value
    if isinstance(value, tuple | list):
        return [to_data(v, contract) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {}
        for key, compute, unset in _write_plan(type(value), contract):
            item = compute(value)
            if unset is not _ALWAYS and item == unset:
                continue
            data[key] = to_data(item, contract)
        return data
    return value


# Written whatever its value (a key not omitted when unset).
_ALWAYS = object()
_WRITE_PLANS: dict[tuple[type, int], tuple[tuple[str, Callable[[Any], Any], Any], ...]] = {}


def _write_plan(tp: type, contract: Contract) -> tuple[tuple[str, Callable[[Any], Any], Any], ...]:
    """How to write record type ``tp`` under ``contract``: each key, how to compute it, the value left out."""
    key = (tp, id(contract))
    if key not in _WRITE_PLANS:
        layout = contract.layouts.get(tp)
        plan: tuple[tuple[str, Callable[[Any], Any], Any], ...]
        if layout is None:
            plan = tuple((f.name, operator.attrgetter(f.name), _ALWAYS) for f in dataclasses.fields(tp))
        else:
            defaults = _defaults(tp)
            plan = tuple(
                (
                    name,
                    layout.written.get(name) or operator.attrgetter(name),
                    defaults[name] if name in layout.omitted_unset and name in defaults else _ALWAYS,
                )
                for name in layout.keys
            )
        _WRITE_PLANS[key] = plan
    return _WRITE_PLANS[key]


def dumps(value: Any) -> str:
    """Compact JSON for a record."""
    return json.dumps(to_data(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def report_to_dict(report: Report) -> dict[str, Any]:
    """Return ``report`` as the ``storydiff.report/2`` JSON contract (plain dicts and lists).

    Derived keys (an article's ``chars``, a finding's ``articles`` and ``count``)
    are written for consumers' convenience and ignored by :func:`report_from_dict`.
    A story report's keys (``story``, ``origins``, ``updates``, ``timeline``) are
    written only when set, so a plain comparison's JSON has none of them.
    Raises :class:`ValueError` if a finding sits in the wrong section (its
    ``category`` would otherwise be lost without a trace).
    """
    for section, category in SECTIONS.items():
        for finding in getattr(report, section):
            if finding.category != category:
                raise ValueError(
                    f"finding {finding.subject!r}/{finding.attribute!r} has category "
                    f"{finding.category!r} but is listed under {section!r}"
                )
    data: dict[str, Any] = to_data(report, REPORT_CONTRACT)
    return data


def render_json(report: Report) -> str:
    """Render ``report`` as the JSON contract: indented by 2, non-ASCII text as is, trailing newline.

    Control characters and bidirectional overrides are written as ``\\uXXXX``
    escapes, so the output is safe to print to a terminal and loads back exactly.
    """
    return without_raw_controls(json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)) + "\n"


# ------------------------------------------------------------------ reading


class _Mismatch(Exception):
    """Data that does not have a record's shape: a key missing or a value of the wrong kind.

    Raised where the problem is found; each enclosing record or list adds its key
    or index to :attr:`path` on the way out, so the common case (no problem)
    builds no path at all.
    """

    def __init__(self, *, missing: str | None = None, expected: str = "", found: Any = None) -> None:
        super().__init__(missing or expected)
        self.path: list[str] = []  # innermost first: [".start", "[0]", ".statements"]
        self.missing = missing
        self.expected = expected
        self.found = found

    def describe(self, root: str) -> str:
        where = root + "".join(reversed(self.path))
        if self.missing is not None:
            return f"{where} has no key {self.missing!r}"
        return f"{where} should be {self.expected}, found {json.dumps(self.found, default=repr)[:60]}"


def from_data(cls: type[T], data: Any) -> T:
    """The record of type ``cls`` that :func:`to_data` turned into ``data``.

    Raises :class:`~storydiff.errors.StoreError` when ``data`` does not have
    the record's shape (a database written by an incompatible version).
    """
    try:
        return typing.cast(T, _read(cls, data, STORE_CONTRACT))
    except _Mismatch as exc:
        raise StoreError(
            f"stored {cls.__name__} does not match this version of storydiff "
            f"({exc.describe(cls.__name__.lower())}); "
            "re-ingest into a new database",
            stage="store",
        ) from None


def loads(cls: type[T], text: str) -> T:
    """The record of type ``cls`` stored as JSON by :func:`dumps`."""
    return from_data(cls, json.loads(text))


def report_from_dict(data: Mapping[str, Any]) -> Report:
    """Rebuild the :class:`Report` that :func:`report_to_dict` turned into ``data``.

    ``report_from_dict(report_to_dict(r)) == r`` for every report whose findings
    sit in the section matching their category. Unknown keys are ignored (later
    ``/2`` versions may add some); a ``/1`` report reads with no possible
    differences and no confidences; a story report's keys (``story``, ``origins``,
    ``updates``, ``timeline``) may be missing, as in reports written before them.
    Any other missing key, a wrong type or another schema version raises
    :class:`~storydiff.errors.StorydiffError` naming the key.
    """
    try:
        if not isinstance(data, Mapping):
            raise _Mismatch(expected="an object", found=data)
        schema = data.get("schema")
        if schema not in READABLE_SCHEMAS:
            if isinstance(schema, str) and schema.startswith(SCHEMA_FAMILY):
                raise StorydiffError(
                    f"report schema {schema!r} is not supported: this storydiff reads {SCHEMA!r}; "
                    "use the storydiff version that wrote the report, or re-run the comparison",
                    stage="load",
                )
            raise StorydiffError(
                f'not a storydiff report: expected "schema": "{SCHEMA}", found {json.dumps(schema)[:60]}',
                stage="load",
            )
        if schema == OLD_SCHEMA and "possible" not in data:
            data = {**data, "possible": []}  # /1 had no possible differences
        report: Report = _read(Report, data, REPORT_CONTRACT)
        return report
    except _Mismatch as exc:
        advice = (
            "; write reports with storydiff's JSON output (--format json) or follow docs/json-contract.md"
            if exc.missing is not None
            else ""
        )
        raise StorydiffError(
            f"not a valid {SCHEMA} report: {exc.describe('report')}{advice}", stage="load"
        ) from None


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _defaults(cls: type) -> dict[str, Any]:
    """The default of each field of record type ``cls`` that has one."""
    found = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            found[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            found[f.name] = f.default_factory()
    return found


@cache
def _shape(tp: Any) -> tuple[str, tuple[Any, ...]]:
    """What kind of type ``tp`` is for reading, and its arguments: worked out once per type."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if type(None) not in args or len(args) != 2:
            raise TypeError(f"no reader for {tp!r}: only X | None unions")
        return "optional", tuple(a for a in args if a is not type(None))
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return "tuple", args[:1]
        return "fixed", args
    if origin is Literal:
        return "literal", typing.get_args(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return "record", ()
    if tp is dt.date:
        return "date", ()
    if tp is float:
        return "float", ()
    if tp in _SCALARS:
        return "scalar", ()
    if tp is Any:
        return "any", ()
    raise TypeError(f"no reader for {tp!r}")


_SCALARS: dict[type, str] = {str: "a string", int: "an integer", bool: "true or false"}


def _read(tp: Any, data: Any, contract: Contract, given: Mapping[str, Any] | None = None) -> Any:
    kind, args = _shape(tp)
    if kind == "scalar":
        # bool is an int in Python but never an offset or a count.
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise _Mismatch(expected=_SCALARS[tp], found=data)
        return data
    if kind == "literal":
        if data not in args or not isinstance(data, str):
            raise _Mismatch(expected="one of " + ", ".join(f'"{a}"' for a in args), found=data)
        return data
    if kind == "optional":
        if data is None:
            return None
        try:
            return _read(args[0], data, contract)
        except _Mismatch as exc:
            if not exc.path and exc.missing is None:
                exc.expected += " or null"
            raise
    if kind == "tuple" or kind == "fixed":
        if not isinstance(data, list):
            raise _Mismatch(expected="a list", found=data)
        if kind == "fixed" and len(args) != len(data):
            raise _Mismatch(expected=f"a list of {len(args)} items", found=data)
        items = []
        for i, item in enumerate(data):
            try:
                items.append(_read(args[0] if kind == "tuple" else args[i], item, contract, given))
            except _Mismatch as exc:
                exc.path.append(f"[{i}]")
                raise
        return tuple(items)
    if kind == "record":
        return _read_record(tp, data, contract, given or {})
    if kind == "date":
        if isinstance(data, str):
            try:
                return dt.date.fromisoformat(iso_day(data))
            except ValueError:
                pass
        raise _Mismatch(expected="an ISO date", found=data)
    if kind == "float":
        if isinstance(data, str) and data in _INFINITIES:
            return _INFINITIES[data]
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise _Mismatch(expected="a number", found=data)
        return float(data)
    return data  # Any


# A record's keys as read: name, type, whether it must be present, its check, what it gives its items.
_Plan = tuple[tuple[str, Any, bool, tuple[Callable[[Any], bool], str] | None, Mapping[str, Any] | None], ...]
_PLANS: dict[tuple[type, int], _Plan] = {}


def _plan(tp: type, contract: Contract) -> _Plan:
    """How to read record type ``tp`` under ``contract``: worked out once per pair."""
    key = (tp, id(contract))
    if key not in _PLANS:
        hints = _hints(tp)
        defaults = _defaults(tp)
        layout = contract.layouts.get(tp)
        names = [f.name for f in dataclasses.fields(tp)]
        keys = [k for k in layout.keys if k in names] if layout else names
        optional = layout.optional if layout else frozenset()
        _PLANS[key] = tuple(
            (
                name,
                hints[name],
                not (name in optional or (not contract.strict and name in defaults)),
                layout.checks.get(name) if layout else None,
                layout.given.get(name) if layout else None,
            )
            for name in keys
        )
    return _PLANS[key]


def _read_record(tp: type, data: Any, contract: Contract, given: Mapping[str, Any]) -> Any:
    if not isinstance(data, Mapping):
        raise _Mismatch(expected="an object", found=data)
    values = dict(given)
    for name, hint, required, check, inner_given in _plan(tp, contract):
        if name not in data:
            if required:
                raise _Mismatch(missing=name)
            continue
        value = data[name]
        try:
            if check is not None and not check[0](value):
                raise _Mismatch(expected=check[1], found=value)
            values[name] = _read(hint, value, contract, inner_given)
        except _Mismatch as exc:
            exc.path.append(f".{name}")
            raise
    if tp is Claim and values.get("reference") is None:
        values = _upgraded_claim(values)
    return tp(**values)


def _upgraded_claim(values: dict[str, Any]) -> dict[str, Any]:
    """A claim stored before claims had a ``reference``: it was a "ref:" key then."""
    keys = values.get("keys", ())
    if not any(k.startswith(("ref:", "noun:")) for k in keys):
        return values
    reference = next((k[4:] for k in keys if k.startswith("ref:")), None)
    kept = tuple(k for k in keys if not k.startswith(("ref:", "noun:")))
    return {**values, "keys": kept, "reference": reference}
