"""Records to JSON-ready data and back, for the corpus database.

The corpus keeps every analysis (an :class:`~storydiff.records.Analysis` with its
claims) and the clustering features of every article, so a story's report can be
rebuilt without parsing its articles again. :func:`to_data` turns any frozen
record into plain lists, dicts, strings and numbers; :func:`from_data` reads it
back into the same record, guided by the record's type hints, so the round trip
is exact (tuples stay tuples, nested records stay records, dates stay dates).

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
import re
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union

from storydiff.errors import StoreError

__all__ = ["dumps", "from_data", "iso_day", "loads", "to_data"]

T = TypeVar("T")

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


def to_data(value: Any) -> Any:
    """Plain JSON-ready data for a record (or a tuple, date or scalar)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def from_data(cls: type[T], data: Any) -> T:
    """The record of type ``cls`` that :func:`to_data` turned into ``data``.

    Raises :class:`~storydiff.errors.StorydiffError` when ``data`` does not have
    the record's shape (a database written by an incompatible version).
    """
    try:
        return typing.cast(T, _read(cls, data))
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(
            f"stored {cls.__name__} does not match this version of storydiff ({exc}); "
            "re-ingest into a new database",
            stage="store",
        ) from None


def dumps(value: Any) -> str:
    """Compact JSON for a record."""
    return json.dumps(to_data(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def loads(cls: type[T], text: str) -> T:
    """The record of type ``cls`` stored as JSON by :func:`dumps`."""
    return from_data(cls, json.loads(text))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _read(tp: Any, data: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _read(inner, data)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list):
            raise TypeError(f"expected a list for {tp}, found {type(data).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_read(args[0], item) for item in data)
        if len(args) != len(data):
            raise ValueError(f"expected {len(args)} items for {tp}, found {len(data)}")
        return tuple(_read(a, item) for a, item in zip(args, data, strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {tp.__name__}, found {type(data).__name__}")
        hints = _hints(tp)
        return tp(
            **{f.name: _read(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        )
    if tp is dt.date:
        return dt.date.fromisoformat(iso_day(data))
    if tp is float:
        if isinstance(data, str):
            return _INFINITIES[data]
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise TypeError(f"expected a number, found {data!r}")
        return float(data)
    if tp in (str, int, bool):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise TypeError(f"expected {tp.__name__}, found {data!r}")
        return data
    if tp is Any:
        return data
    raise TypeError(f"no reader for {tp!r}")
