"""Properties of the cell parsers: any text gives a value or a ParseError, and valid values round-trip."""

from __future__ import annotations

import calendar
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.parsing import (
    MAX_DECIMAL_DIGITS,
    MAX_INTEGER_DIGITS,
    MAX_QUOTED_CHARS,
    MAX_YEAR,
    MIN_YEAR,
    MixItem,
    ParseError,
    PartialDate,
    format_financements,
    parse_coordinate,
    parse_date,
    parse_decimal,
    parse_financements,
    parse_integer,
    parse_variantes,
)
from dashboard.data.schema import FINANCING_CODES, VARIANT_COLUMNS

pytestmark = pytest.mark.slow  # hypothesis draws hundreds of cases: the fast loop leaves them out

# Modest on purpose: the whole suite stays a matter of seconds.
EXAMPLES = settings(max_examples=200, deadline=None)
PARSERS = (parse_integer, parse_decimal, parse_coordinate, parse_date, parse_financements, parse_variantes)

# Arbitrary text, plus text built from the characters the formats are made of, so that the
# generator reaches the parsers' deeper branches and not only their first refusal.
FORMAT_ALPHABET = "0123456789 -.,;/|=\u00a0\u202f٣２PLAIUSLIPSAlu"
cell_text = st.one_of(st.text(), st.text(alphabet=FORMAT_ALPHABET, max_size=30))


@EXAMPLES
@given(cell_text)
def test_any_text_gives_a_value_or_a_parse_error(text):
    for parser in PARSERS:
        try:
            parser(text)
        except ParseError as error:
            assert str(error), parser.__name__


@EXAMPLES
@given(st.text(min_size=MAX_QUOTED_CHARS * 3))
def test_a_refusal_never_repeats_a_whole_long_cell(text):
    for parser in PARSERS:
        try:
            parser("x" + text)
        except ParseError as error:
            assert len(str(error)) < MAX_QUOTED_CHARS + 200


mix_items = st.builds(
    MixItem,
    dwellings=st.integers(min_value=1, max_value=10**MAX_INTEGER_DIGITS - 1),
    codes=st.lists(st.sampled_from(FINANCING_CODES), min_size=1, max_size=3, unique=True).map(tuple),
)


@EXAMPLES
@given(st.lists(mix_items, min_size=1, max_size=6).map(tuple))
def test_a_mix_survives_format_then_parse(items):
    assert parse_financements(format_financements(items)) == items


@st.composite
def partial_dates(draw) -> PartialDate:
    year = draw(st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR))
    month = draw(st.none() | st.integers(min_value=1, max_value=12))
    if month is None:
        return PartialDate(year)
    day = draw(st.none() | st.integers(min_value=1, max_value=calendar.monthrange(year, month)[1]))
    return PartialDate(year, month, day)


@EXAMPLES
@given(partial_dates())
def test_a_date_survives_iso_then_parse(date):
    assert parse_date(date.iso()) == date
    assert date.earliest() <= date.latest()


@EXAMPLES
@given(
    st.integers(min_value=0, max_value=10**MAX_INTEGER_DIGITS - 1),
    st.sampled_from(["", " ", "\u00a0", "\u202f"]),
)
def test_an_integer_survives_writing_with_french_thousands(number, space):
    text = f"{number:,}".replace(",", space)
    assert parse_integer(text) == number


@EXAMPLES
@given(st.integers(min_value=1, max_value=10**MAX_INTEGER_DIGITS))
def test_a_negative_integer_is_called_negative(number):
    for parser in (parse_integer, parse_decimal):
        try:
            parser(f"-{number}")
        except ParseError as error:
            assert "négatif" in str(error)
        else:
            raise AssertionError(f"-{number} accepted by {parser.__name__}")


@EXAMPLES
@given(
    st.decimals(min_value=0, max_value=Decimal(10**MAX_DECIMAL_DIGITS) - 1, places=2, allow_nan=False),
    st.sampled_from([".", ","]),
)
def test_an_amount_survives_writing_with_a_point_or_a_comma(amount, point):
    assert parse_decimal(str(amount).replace(".", point)) == amount


@EXAMPLES
@given(st.floats(min_value=-180, max_value=180, allow_nan=False), st.sampled_from([".", ","]))
def test_a_coordinate_survives_writing_with_a_point_or_a_comma(value, point):
    text = f"{value:.6f}"
    assert parse_coordinate(text.replace(".", point)) == float(text)


variant_values = st.text(min_size=1, max_size=20).filter(lambda value: "|" not in value and value.strip())


@EXAMPLES
@given(st.lists(st.tuples(st.sampled_from(VARIANT_COLUMNS), variant_values), min_size=1, max_size=4))
def test_variants_survive_joining_then_parsing(pairs):
    text = " | ".join(f"{name}={value}" for name, value in pairs)
    assert parse_variantes(text) == tuple((name, value.strip()) for name, value in pairs)


@EXAMPLES
@given(st.text(alphabet="0123456789", min_size=1, max_size=MAX_INTEGER_DIGITS + 10))
def test_digits_are_a_count_or_too_big_never_a_crash(digits):
    try:
        assert parse_integer(digits) == int(digits)
    except ParseError as error:
        assert "trop grand" in str(error)
