"""Quantity extraction: numbers, scales, hedges, units, zero counts and the skip rules.

Every sentence here is invented for these tests. Each table row is one case, with a
comment saying what it checks.
"""

from __future__ import annotations

import math

import pytest

from storydiff.analysis.nlp import parse
from storydiff.analysis.quantities import ABOUT_TOLERANCE, extract_quantities, parse_number


def _only(sentence: str, text: str):
    """The one quantity in ``sentence`` whose text is ``text``; checks offsets on the way."""
    doc = parse(sentence)
    found = extract_quantities(doc)
    for q in found:
        assert q.text == doc.text[q.start : q.end]
    matches = [q for q in found if q.text == text]
    assert len(matches) == 1, [q.text for q in found]
    return doc, matches[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("69,000", 69000.0),  # thousands separators
        ("1.8 million", 1_800_000.0),  # decimal with a scale word
        ("two", 2.0),  # a spelled-out number
        ("a dozen", 12.0),  # "a" + dozen
        ("twenty-five", 25.0),  # hyphenated tens and units
        ("$5m", 5_000_000.0),  # currency sign and glued abbreviated scale
        ("3.5bn", 3_500_000_000.0),  # glued "bn"
        ("€12bn", 12_000_000_000.0),  # euro sign
        ("half a million", 500_000.0),  # half of a scale word
        ("one hundred and five", 105.0),  # "and" inside a spelled-out number
        ("1/2", 0.5),  # a glued fraction
        ("-4.5", -4.5),  # a negative number
        ("hello", None),  # not a number at all
        ("2 3", None),  # two numbers are not one number
        ("", None),  # nothing
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("sentence", "text", "value", "noun", "numeral"),
    [
        # digits count the plural noun after them
        ("The storm forced 48,500 people from their homes.", "48,500", 48500.0, "people", "48,500"),
        # a spelled-out number at the start of a sentence; token_i is the numeral
        ("Three miners were trapped underground.", "Three", 3.0, "miner", "Three"),
        # "a dozen" is exactly twelve
        ("A dozen volunteers cleared the beach.", "A dozen", 12.0, "volunteer", "dozen"),
        # hyphenated word number
        ("Thirty-two lorries were stuck at the border.", "Thirty-two", 32.0, "lorry", "two"),
        # a count with a scale word: the scale word heads the number in the parse
        ("The outbreak has infected 2.3 million chickens.", "2.3 million", 2_300_000.0, "chicken", "million"),
        # a partitive count takes the noun after "of"
        ("Four of the injured journalists were flown to Vienna.", "Four", 4.0, "journalist", "Four"),
        # a number with nothing counted after it keeps noun None
        ("It is a town of 85,000 near the coast.", "85,000", 85000.0, None, "85,000"),
        # "persons" compares with "people"
        ("Eleven persons were questioned by police.", "Eleven", 11.0, "people", "Eleven"),
        # adjectives between number and noun are skipped
        ("Firefighters rescued 14 elderly residents.", "14", 14.0, "resident", "14"),
    ],
)
def test_counts(sentence, text, value, noun, numeral):
    doc, q = _only(sentence, text)
    assert (q.value, q.low, q.high) == (value, value, value)
    assert q.dimension == "count"
    assert q.unit is None
    assert q.noun == noun
    assert doc[q.token_i].text == numeral


@pytest.mark.parametrize(
    ("sentence", "text", "low", "high", "hedge", "noun"),
    [
        # "dozens of" is two dozen up to a hundred
        ("Dozens of homes were flattened by the tornado.", "Dozens", 24.0, 99.0, "dozens", "home"),
        # "hundreds of"
        ("Hundreds of pilgrims waited at the gate.", "Hundreds", 200.0, 999.0, "hundreds", "pilgrim"),
        # "thousands of"
        ("Thousands of fans lined the route.", "Thousands", 2000.0, 9999.0, "thousands", "fan"),
        # "tens of thousands of"
        (
            "Tens of thousands of ducks died in the frost.",
            "Tens of thousands",
            20000.0,
            99999.0,
            "tens of thousands",
            "duck",
        ),
    ],
)
def test_vague_plurals_are_ranges(sentence, text, low, high, hedge, noun):
    _, q = _only(sentence, text)
    assert (q.low, q.high) == (low, high)
    assert q.value == low
    assert q.hedge == hedge
    assert q.noun == noun


@pytest.mark.parametrize(
    ("sentence", "text", "noun", "numeral"),
    [
        # "no one" is zero people
        ("No one was hurt when the roof caved in.", "No one", "people", "one"),
        # "nobody" is zero people
        ("Nobody answered the door at the embassy.", "Nobody", "people", "Nobody"),
        # "none of the X" counts X
        ("None of the hostages were harmed.", "None", "hostage", "None"),
        # "none" alone has no noun
        ("The mayor said none were missing.", "none", None, "none"),
        # "no" + plural noun
        ("Hospitals reported no fatalities overnight.", "no", "fatality", "no"),
        # "no" + adjective + plural noun
        ("There were no serious injuries among the crew.", "no", "injury", "no"),
        # "no" + a casualty noun in the singular
        ("The company said there was no loss of life.", "no", "loss", "no"),
    ],
)
def test_zero_counts(sentence, text, noun, numeral):
    doc, q = _only(sentence, text)
    assert (q.value, q.low, q.high) == (0.0, 0.0, 0.0)
    assert q.dimension == "count"
    assert q.noun == noun
    assert doc[q.token_i].text == numeral


@pytest.mark.parametrize(
    "sentence",
    [
        "There was no reason to panic.",  # "no" + a singular, non-casualty noun is not a count
        "The ferry no longer runs in winter.",  # "no" as an adverb
    ],
)
def test_no_without_count_noun_is_not_zero(sentence):
    assert extract_quantities(parse(sentence)) == []


_ABOUT = ABOUT_TOLERANCE


def _about(value: float) -> tuple[float, float]:
    return value * (1 - _ABOUT), value * (1 + _ABOUT)


@pytest.mark.parametrize(
    ("sentence", "text", "value", "low", "high", "hedge"),
    [
        # "about" widens both ways by the documented tolerance
        ("About 300 sheep drowned.", "About 300", 300.0, *_about(300), "about"),
        # "around"
        ("Around 40 boats joined the search.", "Around 40", 40.0, *_about(40), "around"),
        # "some" before a number is "about"
        ("Some 120 guards patrol the site.", "Some 120", 120.0, *_about(120), "some"),
        # "roughly"
        ("Roughly 50 stalls burned down.", "Roughly 50", 50.0, *_about(50), "roughly"),
        # "nearly" stays below the number
        ("Nearly 90 flights were cancelled.", "Nearly 90", 90.0, 90 * (1 - _ABOUT), 90.0, "nearly"),
        # "almost" stays below the number
        ("Almost 70 cows escaped.", "Almost 70", 70.0, 70 * (1 - _ABOUT), 70.0, "almost"),
        # "at least" is open above
        ("At least 17 miners died.", "At least 17", 17.0, 17.0, math.inf, "at least"),
        # "more than" is open above
        ("More than 600 pupils were sent home.", "More than 600", 600.0, 600.0, math.inf, "more than"),
        # "over" is open above
        ("Over 25 villages lost power.", "Over 25", 25.0, 25.0, math.inf, "over"),
        # "fewer than" is bounded by zero below
        ("Fewer than 10 shops reopened.", "Fewer than 10", 10.0, 0.0, 10.0, "fewer than"),
        # "less than"
        ("Less than 30 tickets remained.", "Less than 30", 30.0, 0.0, 30.0, "less than"),
        # "up to"
        ("Up to 80 tractors blocked the road.", "Up to 80", 80.0, 0.0, 80.0, "up to"),
        # "as many as"
        ("As many as 45 divers searched the lake.", "As many as 45", 45.0, 0.0, 45.0, "as many as"),
        # "at most"
        ("At most 12 envoys will attend.", "At most 12", 12.0, 0.0, 12.0, "at most"),
        # "between X and Y" covers the hedge and both numbers
        (
            "Between 1,200 and 2,000 homes flooded.",
            "Between 1,200 and 2,000",
            1600.0,
            1200.0,
            2000.0,
            "between",
        ),
        # "X to Y"
        ("Police arrested 15 to 20 youths.", "15 to 20", 17.5, 15.0, 20.0, "to"),
        # "X-Y"
        ("Officers seized 30-40 rifles.", "30-40", 35.0, 30.0, 40.0, "-"),
        # a hedged length: the text covers hedge, number and unit; the range is in km
        (
            "The convoy stopped about 20 miles from the city.",
            "about 20 miles",
            32.18688,
            32.18688 * (1 - _ABOUT),
            32.18688 * (1 + _ABOUT),
            "about",
        ),
        # "four to five thousand": the scale is written once
        ("Four to five thousand farmers marched.", "Four to five thousand", 4500.0, 4000.0, 5000.0, "to"),
    ],
)
def test_hedges_and_ranges(sentence, text, value, low, high, hedge):
    _, q = _only(sentence, text)
    assert q.value == pytest.approx(value)
    assert q.low == pytest.approx(low)
    assert q.high == pytest.approx(high)
    assert q.hedge == hedge


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit", "dimension"),
    [
        # miles to km
        ("The convoy stopped 20 miles from the city.", "20 miles", 32.18688, "km", "length"),
        # glued km
        ("The pipeline runs 1,300km under the sea.", "1,300km", 1300.0, "km", "length"),
        # metres spelled out
        ("The wave reached 12 metres.", "12 metres", 0.012, "km", "length"),
        # feet
        ("The crane stood 150 feet tall.", "150 feet", 0.04572, "km", "length"),
        # a glued "m" followed by a length word is metres, not millions
        ("The tower is 80m high.", "80m", 0.08, "km", "length"),
        # tonnes to kg
        ("The barge carried 40 tonnes of sand.", "40 tonnes", 40000.0, "kg", "mass"),
        # pounds as weight without a scale or currency context
        ("The parcel weighed 11 pounds.", "11 pounds", 11 * 0.45359237, "kg", "mass"),
        # hectares to km2
        ("The blaze scorched 2,500 hectares.", "2,500 hectares", 25.0, "km2", "area"),
        # acres to km2
        ("The farm spans 640 acres.", "640 acres", 640 * 4.0468564e-3, "km2", "area"),
        # square miles to km2
        ("The reservoir covers 3 square miles.", "3 square miles", 3 * 2.589988, "km2", "area"),
        # gallons to litres
        ("The tank leaked 500 gallons.", "500 gallons", 500 * 3.785411784, "litre", "volume"),
        # barrels to litres
        ("The well pumps 10 barrels.", "10 barrels", 1589.87295, "litre", "volume"),
        # mph to km/h
        ("Gusts hit 70 mph on the coast.", "70 mph", 70 * 1.609344, "km/h", "speed"),
        # Fahrenheit to Celsius
        ("The thermometer read 104F at noon.", "104F", 40.0, "C", "temperature"),
        # degrees Celsius, negative with "minus"
        ("It fell to minus 8 degrees Celsius.", "minus 8 degrees Celsius", -8.0, "C", "temperature"),
        # hours are the duration base
        ("The siege lasted 36 hours.", "36 hours", 36.0, "hour", "duration"),
        # days to hours
        ("The strike ran for nine days.", "nine days", 216.0, "hour", "duration"),
        # weeks to hours
        ("Repairs will take 3 weeks.", "3 weeks", 504.0, "hour", "duration"),
        # percent sign
        ("Turnout dropped 4.5% this year.", "4.5%", 4.5, "%", "percent"),
        # "per cent"
        ("Prices rose 12 per cent.", "12 per cent", 12.0, "%", "percent"),
        # "percent"
        ("Support stood at 38 percent.", "38 percent", 38.0, "%", "percent"),
        # a fraction of a whole is a percentage
        ("Two-thirds of the wells ran dry.", "Two-thirds", 200 / 3, "%", "percent"),
        # "45-year-old" is an age
        ("A 45-year-old baker was detained.", "45-year-old", 45.0, "year", "age"),
        # "aged 52" is an age and the text covers "aged"
        ("The driver, aged 52, was unhurt.", "aged 52", 52.0, "year", "age"),
        # "years old" is an age
        ("The bridge keeper is 71 years old.", "71 years old", 71.0, "year", "age"),
    ],
)
def test_units(sentence, text, value, unit, dimension):
    _, q = _only(sentence, text)
    assert q.value == pytest.approx(value)
    assert q.low == pytest.approx(value)
    assert q.high == pytest.approx(value)
    assert q.unit == unit
    assert q.dimension == dimension
    assert q.noun is None


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [
        # dollar sign with a scale word
        ("The charity raised $4.5 million last year.", "$4.5 million", 4_500_000.0, "USD"),
        # euro sign with a glued "m"
        ("The club paid €30m for the striker.", "€30m", 30_000_000.0, "EUR"),
        # pound sign with "bn"
        ("The scheme cost £2bn.", "£2bn", 2_000_000_000.0, "GBP"),
        # a currency word after the number
        ("The fine was 800 dollars.", "800 dollars", 800.0, "USD"),
        # "pounds sterling" is money
        ("She was paid 900 pounds sterling.", "900 pounds sterling", 900.0, "GBP"),
        # "pounds" after a scale word is money
        ("The bank lost 3 million pounds.", "3 million pounds", 3_000_000.0, "GBP"),
        # rubles
        ("The ministry spent 1.2 trillion rubles.", "1.2 trillion rubles", 1.2e12, "RUB"),
        # hryvnias
        ("Kyiv set aside 500 million hryvnias.", "500 million hryvnias", 5e8, "UAH"),
        # a glued ISO code
        ("Sales reached EUR40m in June.", "EUR40m", 40_000_000.0, "EUR"),
        # a country dollar written "A$"
        ("Tickets cost A$60 each.", "A$60", 60.0, "AUD"),
        # cents are hundredths of a dollar
        ("A stamp costs 75 cents.", "75 cents", 0.75, "USD"),
    ],
)
def test_money(sentence, text, value, unit):
    _, q = _only(sentence, text)
    assert q.value == pytest.approx(value)
    assert q.unit == unit
    assert q.dimension == "money"


def test_currency_range_shares_its_scale():
    # "$10 to $15 billion": both ends are billions
    _, q = _only("Analysts expect $10 to $15 billion in losses.", "$10 to $15 billion")
    assert (q.low, q.high, q.unit) == (1e10, 1.5e10, "USD")


def test_or_shares_the_unit():
    # "eight or nine euros": two prices, both in euros
    doc = parse("A coffee costs eight or nine euros there.")
    found = [(q.text, q.value, q.unit) for q in extract_quantities(doc)]
    assert found == [("eight", 8.0, "EUR"), ("nine euros", 9.0, "EUR")]


def test_change_is_two_values_not_a_range():
    # "rose from 12 to 15": the toll changed; each value stands alone with the noun
    doc = parse("The toll rose from 12 to 15 people.")
    found = [(q.value, q.low, q.high, q.noun) for q in extract_quantities(doc)]
    assert found == [(12.0, 12.0, 12.0, "people"), (15.0, 15.0, 15.0, "people")]


def test_span_offsets_and_token_index_point_into_the_doc():
    # a sentence Span gives Doc offsets and Doc token indexes
    doc = parse("The dam broke at dawn.\nSeven fishermen drowned in the flood.")
    second = list(doc.sents)[1]
    (q,) = extract_quantities(second)
    assert q.text == "Seven" == doc.text[q.start : q.end]
    assert doc[q.token_i].text == "Seven"
    assert q.token_i == second.start
    assert q.noun == "fisherman"


def test_no_one_conflicts_with_a_count():
    # the contradiction the tool must find: zero people against two workers, same noun family
    zero = extract_quantities(parse("No one was injured at the depot."))
    two = extract_quantities(parse("Two workers were injured at the depot."))
    assert [(q.value, q.noun) for q in zero] == [(0.0, "people")]
    assert [(q.value, q.noun) for q in two] == [(2.0, "worker")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The reactor was built in 1986.",  # a year
        "The treaty dates from 2022 and still holds.",  # a bare year
        "Troops crossed the line on Feb. 24 before dawn.",  # month abbreviation + day
        "The talks opened on 24 February in Geneva.",  # day + month
        "The verdict is due at 3 p.m. on Friday.",  # a clock time
        "The train left at 10:30 sharp.",  # a clock time with a colon
        "She finished first in the relay.",  # an ordinal word
        "He came 3rd in the sprint.",  # an ordinal with a suffix
        "Call 555-123-4567 for tickets.",  # a phone number
        "Hospitals braced for COVID-19 again.",  # an identifier with a hyphen
        "Leaders met at the G7 summit.",  # letters glued before digits
        "The air force flew an F-16 over the bay.",  # an aircraft name
        "The 5G rollout was delayed.",  # digits glued to a letter that is no unit here
        "Allies invoked Article 5 of the charter.",  # a numbered label
        "The hosts lost the final 2-1 at home.",  # a score
        "Styles changed a lot in the 1990s.",  # a decade
    ],
)
def test_not_quantities(sentence):
    assert extract_quantities(parse(sentence)) == []


def test_lone_pronoun_one_is_skipped():
    # "the one who" is a pronoun, not a count
    assert extract_quantities(parse("She was the one who called the police.")) == []
