"""The unit and currency tables the quantity reader matches against.

Spellings are lowercase token sequences ("sq", "km"); each maps to a :class:`Unit`
with its dimension, base unit and conversion factor, so "16 km" and "10 miles"
compare in one base. Kept apart from the reader in quantities.py so the tables
can be read, and extended, without reading the parser.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BOUND_PREFIXES",
    "CASED",
    "CURRENCY_PREFIXES",
    "CURRENCY_SUFFIXES",
    "FRACTION_UNIT",
    "GBP",
    "GLUED_ONLY",
    "LENGTH_WORDS",
    "MAX_KEY",
    "UNITS",
    "UNIT_KEYS",
    "Unit",
    "money",
]

# After a glued "m" these make it metres, not millions ("a 300m long ship").
LENGTH_WORDS = {
    "long",
    "tall",
    "high",
    "wide",
    "deep",
    "away",
    "deeper",
    "higher",
    "above",
    "below",
    "from",
    "underground",
    "offshore",
}


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as stated: its reading ``name``, dimension, base unit and conversion."""

    name: str
    dimension: str
    base: str | None
    factor: float = 1.0
    offset: float = 0.0  # added after the factor: Fahrenheit to Celsius

    def to_base(self, value: float) -> float:
        return value * self.factor + self.offset


def _unit_table() -> dict[tuple[str, ...], Unit]:
    """The unit spellings (lowercase pieces) mapped to their units."""
    table: dict[tuple[str, ...], Unit] = {}

    def add(unit: Unit, *forms: str) -> None:
        for form in forms:
            table[tuple(form.split(" "))] = unit

    km, kg, km2, litre = "km", "kg", "km2", "litre"
    add(Unit("kilometre", "length", km), "km", "kms", "kilometre", "kilometres", "kilometer", "kilometers")
    add(Unit("metre", "length", km, 1e-3), "metre", "metres", "meter", "meters", "m")
    add(
        Unit("centimetre", "length", km, 1e-5),
        "cm",
        "centimetre",
        "centimetres",
        "centimeter",
        "centimeters",
    )
    add(
        Unit("millimetre", "length", km, 1e-6),
        "mm",
        "millimetre",
        "millimetres",
        "millimeter",
        "millimeters",
    )
    add(Unit("micrometre", "length", km, 1e-9), "μm", "µm", "micrometre", "micrometres", "micron", "microns")
    add(Unit("mile", "length", km, 1.609344), "mile", "miles", "mi")
    add(Unit("nautical mile", "length", km, 1.852), "nautical mile", "nautical miles")
    add(Unit("foot", "length", km, 3.048e-4), "foot", "feet", "ft")
    add(Unit("yard", "length", km, 9.144e-4), "yard", "yards", "yd", "yds")
    add(Unit("inch", "length", km, 2.54e-5), "inch", "inches")
    add(Unit("kilogram", "mass", kg), "kg", "kgs", "kilogram", "kilograms", "kilo", "kilos")
    add(Unit("gram", "mass", kg, 1e-3), "g", "gram", "grams", "gramme", "grammes")
    add(Unit("milligram", "mass", kg, 1e-6), "mg", "milligram", "milligrams")
    add(Unit("gigaton", "mass", kg, 1e12), "gigatonne", "gigatonnes", "gigaton", "gigatons", "gt")
    add(Unit("megaton", "mass", kg, 1e9), "megatonne", "megatonnes", "megaton", "megatons")
    add(Unit("tonne", "mass", kg, 1e3), "tonne", "tonnes", "metric ton", "metric tons", "t")
    add(Unit("ton", "mass", kg, 907.18474), "ton", "tons")
    add(Unit("pound", "mass", kg, 0.45359237), "lb", "lbs", "pound", "pounds")
    add(Unit("ounce", "mass", kg, 0.028349523), "oz", "ounce", "ounces")
    add(
        Unit("square kilometre", "area", km2),
        "km2",
        "km²",
        "km 2",
        "sq km",
        "sq. km",
        "square kilometre",
        "square kilometres",
        "square kilometer",
        "square kilometers",
    )
    add(
        Unit("square metre", "area", km2, 1e-6),
        "m2",
        "m²",
        "m 2",
        "sq m",
        "sq. m",
        "sqm",
        "square metre",
        "square metres",
        "square meter",
        "square meters",
    )
    add(Unit("square mile", "area", km2, 2.589988), "sq mi", "square mile", "square miles", "sq miles")
    add(
        Unit("square feet", "area", km2, 9.290304e-8),
        "sq ft",
        "sq. ft",
        "sqft",
        "square foot",
        "square feet",
    )
    add(Unit("hectare", "area", km2, 1e-2), "ha", "hectare", "hectares")
    add(Unit("acre", "area", km2, 4.0468564e-3), "acre", "acres")
    add(Unit("litre", "volume", litre), "l", "litre", "litres", "liter", "liters")
    add(
        Unit("millilitre", "volume", litre, 1e-3),
        "ml",
        "millilitre",
        "millilitres",
        "milliliter",
        "milliliters",
    )
    add(Unit("gallon", "volume", litre, 3.785411784), "gallon", "gallons", "gal")
    add(Unit("barrel", "volume", litre, 158.987295), "barrel", "barrels", "bbl")
    add(
        Unit("cubic metre", "volume", litre, 1e3),
        "cubic metre",
        "cubic metres",
        "cubic meter",
        "cubic meters",
        "m3",
        "m³",
    )
    add(
        Unit("kilometre per hour", "speed", "km/h"),
        "km/h",
        "kmh",
        "kph",
        "km / h",
        "kilometres per hour",
        "kilometers per hour",
        "kilometres an hour",
        "kilometers an hour",
    )
    add(
        Unit("mile per hour", "speed", "km/h", 1.609344),
        "mph",
        "m.p.h.",
        "m.p.h",
        "miles per hour",
        "miles an hour",
        "mile per hour",
    )
    add(Unit("knot", "speed", "km/h", 1.852), "knot", "knots")
    add(
        Unit("metre per second", "speed", "km/h", 3.6),
        "m/s",
        "m / s",
        "metres per second",
        "meters per second",
    )
    add(
        Unit("celsius", "temperature", "C"),
        "°c",
        "° c",
        "c",
        "degc",
        "deg c",
        "degrees celsius",
        "degree celsius",
        "celsius",
        "degrees c",
        "degree c",
        "degrees centigrade",
    )
    fahrenheit = Unit("fahrenheit", "temperature", "C", 5 / 9, -32 * 5 / 9)
    add(
        fahrenheit,
        "°f",
        "° f",
        "f",
        "degf",
        "deg f",
        "degrees fahrenheit",
        "degree fahrenheit",
        "fahrenheit",
        "degrees f",
        "degree f",
    )
    # A bare "degrees" may be a temperature in either scale or an angle: kept apart.
    add(Unit("degree", "degree", "degree"), "degree", "degrees", "°")
    add(Unit("second", "duration", "hour", 1 / 3600), "second", "seconds", "sec", "secs")
    add(Unit("minute", "duration", "hour", 1 / 60), "minute", "minutes", "min", "mins")
    add(Unit("hour", "duration", "hour"), "hour", "hours", "hr", "hrs")
    add(Unit("day", "duration", "hour", 24), "day", "days")
    add(Unit("week", "duration", "hour", 168), "week", "weeks")
    add(Unit("fortnight", "duration", "hour", 336), "fortnight", "fortnights")
    # Calendar averages: a month is 1/12 of a Gregorian year of 365.2425 days.
    add(Unit("month", "duration", "hour", 730.485), "month", "months")
    add(Unit("year", "duration", "hour", 8765.82), "year", "years", "yr", "yrs")
    add(Unit("decade", "duration", "hour", 87658.2), "decade", "decades")
    add(Unit("century", "duration", "hour", 876582.0), "century", "centuries")
    add(
        Unit("year of age", "age", "year"),
        "year - old",
        "years - old",
        "year old",
        "years old",
        "years of age",
        "year of age",
        "yr - old",
        "-year-old",
        "year-old",
    )
    add(Unit("percentage", "percent", "%"), "%", "percent", "per cent", "pct", "percentage", "pc")
    add(
        Unit("percentage point", "percentage point", "pp"),
        "percentage point",
        "percentage points",
        "pp",
        "ppt",
        "ppts",
    )
    add(Unit("basis point", "percentage point", "pp", 0.01), "basis point", "basis points", "bp", "bps")
    add(Unit("kilowatt", "power", "kW"), "kw", "kilowatt", "kilowatts")
    add(Unit("megawatt", "power", "kW", 1e3), "mw", "megawatt", "megawatts")
    add(Unit("gigawatt", "power", "kW", 1e6), "gw", "gigawatt", "gigawatts")
    add(Unit("horsepower", "power", "kW", 0.745699872), "hp", "horsepower", "bhp")
    add(Unit("kilowatt hour", "energy", "kWh"), "kwh", "kilowatt hour", "kilowatt hours")
    add(Unit("megawatt hour", "energy", "kWh", 1e3), "mwh", "megawatt hour", "megawatt hours")
    add(Unit("gigawatt hour", "energy", "kWh", 1e6), "gwh", "gigawatt hour", "gigawatt hours")
    add(Unit("megabyte", "data", "GB", 1e-3), "mb", "megabyte", "megabytes")
    add(Unit("gigabyte", "data", "GB"), "gb", "gigabyte", "gigabytes")
    add(Unit("terabyte", "data", "GB", 1e3), "tb", "terabyte", "terabytes")
    add(Unit("hertz", "frequency", "Hz"), "hz", "hertz")
    add(Unit("megabit per second", "data rate", "Mbps"), "mbps", "mbit/s", "megabits per second")
    add(Unit("gigabit per second", "data rate", "Mbps", 1e3), "gbps", "gigabits per second")
    add(Unit("kilobit per second", "data rate", "Mbps", 1e-3), "kbps", "kilobits per second")
    add(Unit("kilopascal", "pressure", "kPa"), "kpa", "kilopascal", "kilopascals")
    add(Unit("megapascal", "pressure", "kPa", 1e3), "mpa", "megapascal", "megapascals")
    add(Unit("pound per square inch", "pressure", "kPa", 6.894757), "psi")
    add(Unit("kilopound per square inch", "pressure", "kPa", 6894.757), "ksi")
    add(Unit("kilovolt", "voltage", "V", 1e3), "kv", "kilovolt", "kilovolts")
    add(Unit("volt", "voltage", "V"), "volt", "volts")
    add(Unit("kilohertz", "frequency", "Hz", 1e3), "khz", "kilohertz")
    add(Unit("megahertz", "frequency", "Hz", 1e6), "mhz", "megahertz")
    add(Unit("gigahertz", "frequency", "Hz", 1e9), "ghz", "gigahertz")
    add(Unit("calorie", "energy", "kcal"), "calorie", "calories", "kcal")
    return table


# Currencies: the ISO code is the base unit; ``name`` is how a reader says it.
CURRENCY_NAMES = {
    "USD": "dollar", "EUR": "euro", "GBP": "pound sterling", "JPY": "japanese yen",
    "CNY": "chinese yuan", "INR": "indian rupee", "RUB": "russian ruble",
    "UAH": "ukrainian hryvnia", "MYR": "malaysian ringgit", "AUD": "australian dollar",
    "CAD": "canadian dollar", "NZD": "new zealand dollar", "SGD": "singapore dollar",
    "HKD": "hong kong dollar", "ILS": "shekel", "CHF": "swiss franc", "KRW": "korean won",
    "MXN": "mexican peso", "ZAR": "south african rand", "TRY": "turkish lira",
    "PLN": "polish zloty", "BRL": "brazilian real", "SEK": "swedish krona",
    "NOK": "norwegian krone", "DKK": "danish krone",
}  # fmt: skip


def money(code: str, factor: float = 1.0, name: str | None = None) -> Unit:
    return Unit(name or CURRENCY_NAMES[code], "money", code, factor)


# Signs and codes written before the amount ("$5", "US$ 5", "RM120,000", "EUR50m").
CURRENCY_PREFIXES: dict[tuple[str, ...], str] = {
    ("$",): "USD", ("us", "$"): "USD", ("us$",): "USD", ("$", "us"): "USD", ("$", "a"): "AUD",
    ("$", "nz"): "NZD", ("$", "c"): "CAD", ("$", "hk"): "HKD", ("$", "s"): "SGD", ("a", "$"): "AUD",
    ("au", "$"): "AUD",
    ("c", "$"): "CAD", ("ca", "$"): "CAD", ("nz", "$"): "NZD", ("s", "$"): "SGD",
    ("hk", "$"): "HKD", ("€",): "EUR", ("£",): "GBP", ("¥",): "JPY", ("y", "="): "JPY",
    ("₹",): "INR", ("rs",): "INR", ("rs", "."): "INR", ("₽",): "RUB", ("₴",): "UAH",
    ("₪",): "ILS", ("rm",): "MYR", ("usd",): "USD", ("eur",): "EUR", ("gbp",): "GBP",
    ("jpy",): "JPY", ("cny",): "CNY", ("rmb",): "CNY", ("inr",): "INR", ("rub",): "RUB",
    ("uah",): "UAH", ("aud",): "AUD", ("cad",): "CAD", ("nzd",): "NZD", ("sgd",): "SGD",
    ("hkd",): "HKD", ("chf",): "CHF", ("myr",): "MYR", ("ils",): "ILS", ("nis",): "ILS",
    ("zar",): "ZAR", ("mxn",): "MXN", ("krw",): "KRW", ("sek",): "SEK", ("nok",): "NOK",
}  # fmt: skip
# Currency words written after the amount ("20 dollars", "9 billion yuan").
CURRENCY_SUFFIXES: dict[tuple[str, ...], Unit] = {}
for _code, _forms in {
    "USD": ("dollar", "dollars", "us dollars", "u.s. dollars", "usd", "american dollars"),
    "EUR": ("euro", "euros", "eur"),
    "GBP": ("pounds sterling", "pound sterling", "sterling", "gbp", "british pounds"),
    "JPY": ("yen", "japanese yen", "jpy"),
    "CNY": ("yuan", "renminbi", "chinese yuan", "cny", "rmb"),
    "INR": ("rupee", "rupees", "indian rupees", "crore rupees", "inr"),
    "RUB": ("ruble", "rubles", "rouble", "roubles", "russian rubles", "rub"),
    "UAH": ("hryvnia", "hryvnias", "hryvnia", "hryvnas", "uah"),
    "MYR": ("ringgit", "myr"),
    "AUD": ("australian dollars", "australian dollar", "aud"),
    "CAD": ("canadian dollars", "canadian dollar", "cad"),
    "NZD": ("new zealand dollars", "new zealand dollar", "nzd"),
    "SGD": ("singapore dollars", "singaporean dollars", "sgd"),
    "HKD": ("hong kong dollars", "hkd"),
    "ILS": ("shekel", "shekels", "nis", "ils"),
    "CHF": ("swiss francs", "swiss franc", "francs", "chf"),
    "MXN": ("pesos", "mexican pesos"),
    "ZAR": ("rand",),
    "TRY": ("lira", "liras", "turkish lira"),
    "PLN": ("zloty", "zlotys"),
}.items():
    for _form in _forms:
        CURRENCY_SUFFIXES[tuple(_form.split(" "))] = money(_code)
# Sub-units as fractions of the base currency.
CURRENCY_SUFFIXES[("cents",)] = money("USD", 0.01, "cent")
CURRENCY_SUFFIXES[("cent",)] = money("USD", 0.01, "cent")
CURRENCY_SUFFIXES[("pence",)] = money("GBP", 0.01, "pence")
CURRENCY_SUFFIXES[("p",)] = money("GBP", 0.01, "pence")
# "pounds" alone is money after a scale or a currency context, else weight (see _read_unit).
GBP = money("GBP")

UNITS = _unit_table()
UNIT_KEYS = {**UNITS, **CURRENCY_SUFFIXES}
MAX_KEY = max(len(k) for k in (*UNIT_KEYS, *CURRENCY_PREFIXES))
# Unit spellings too short or too common to trust unless glued to the number ("30C", "164p").
GLUED_ONLY = {
    ("c",),
    ("f",),
    ("p",),
    ("l",),
    ("g",),
    ("t",),
    ("°",),
    ("ha",),
    ("gal",),
    ("min",),
    ("sec",),
    ("in",),
    ("mi",),
    ("b",),
    ("pc",),
    ("gt",),
}
# Single letters whose case tells a unit apart: "5g" grams but "5G" networks.
CASED = {
    ("g",): {"g"},
    ("t",): {"t"},
    ("c",): {"C"},
    ("f",): {"F"},
    ("p",): {"p"},
    ("k",): {"k", "K"},
    ("b",): {"B", "b"},
}
# "sub-300 sq m": a bound written as a prefix, not an identifier.
BOUND_PREFIXES = {"sub", "under", "over", "near"}
# A fraction is a share: "a third of" is 33.3%.
FRACTION_UNIT = Unit("percentage", "percent", "%", 100.0)
