"""The cell parsers: tables of accepted and refused values, and what the refusal says."""

import re

import pytest

from dashboard.data.parsing import (
    MixItem,
    ParseError,
    PartialDate,
    format_financements,
    parse_date,
    parse_decimal,
    parse_financements,
    parse_integer,
    parse_variantes,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "29 LLI/PLS; 18 LU/PLS; 8 PSLA",
            (MixItem(29, ("LLI", "PLS")), MixItem(18, ("LU", "PLS")), MixItem(8, ("PSLA",))),
        ),
        ("89 PLAI", (MixItem(89, ("PLAI",)),)),
        ("  5 pls ;13 PLI ", (MixItem(5, ("PLS",)), MixItem(13, ("PLI",)))),
        ("64 PLAI / LU", (MixItem(64, ("PLAI", "LU")),)),
    ],
)
def test_financements_are_parsed_into_items(text, expected):
    assert parse_financements(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("29 LLI/XYZ", "code XYZ inconnu"),
        ("PLAI 29", "le nombre vient avant le code : attendu « 29 PLAI »"),
        ("29 PLAI;; 3 PLS", "élément vide"),
        ("29 PLAI, 3 PLS", "séparés par « , » : attendu « ; »"),
        ("0 PLAI", "nombre de logements nul"),
        ("3 PLS/PLS", "code répété"),
        ("-3 PLS", "attendu un nombre puis un code"),
        ("8 PLAI;", "élément vide, un « ; » en trop ?"),
        ("9" * 5000 + " PLS", "nombre de logements trop grand"),
        ("٣ PLS", "attendu un nombre puis un code"),
    ],
)
def test_bad_financements_say_what_was_expected(text, message):
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_financements(text)


def test_a_mix_survives_a_write_read_round_trip():
    items = parse_financements("29 LLI/PLS; 18 LU/PLS; 8 PSLA")
    assert parse_financements(format_financements(items)) == items


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2023", PartialDate(2023), "année"),
        ("2019-09", PartialDate(2019, 9), "mois"),
        ("2020-02-29", PartialDate(2020, 2, 29), "jour"),
    ],
)
def test_dates_keep_their_published_precision(text, expected, precision):
    date = parse_date(text)
    assert date == expected
    assert date.precision == precision
    assert date.iso() == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-13", "mois 13 impossible"),
        ("2021-02-30", "jour 30 impossible"),
        ("2019-02-29", "jour 29 impossible"),
        ("21/03/2021", "attendu AAAA, AAAA-MM ou AAAA-MM-JJ"),
        ("1850", "hors de la plage"),
        ("2021-1", "attendu AAAA"),
    ],
)
def test_impossible_dates_are_refused(text, message):
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_date(text)


def test_a_year_spans_the_whole_year():
    assert PartialDate(2021).earliest() == (2021, 1, 1)
    assert PartialDate(2021).latest() == (2021, 12, 31)
    assert PartialDate(2024, 2).latest() == (2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "expected"), [("1841", 1841), ("1 841", 1841), ("7\u202f600", 7600), ("0", 0)]
)
def test_integers_accept_french_thousands(text, expected):
    assert parse_integer(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-3", "« -3 » est négatif : attendu un nombre entier positif ou nul"),
        ("2.5", "« 2.5 » n'est pas un nombre entier : attendu par ex. « 1841 »"),
        ("douze", "« douze » n'est pas un nombre entier"),
        ("-douze", "« -douze » n'est pas un nombre entier"),
        ("١١", "« ١١ » n'est pas un nombre entier"),
        ("9" * 5000, f"« {'9' * 60}… » (5000 caractères) est trop grand : attendu au plus 9 chiffres"),
    ],
)
def test_bad_integers_are_refused(text, message):
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_integer(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("3300000", 3300000), ("3 300 000,5", 3300000.5), ("5.9", 5.9)]
)
def test_decimals_accept_a_comma(text, expected):
    assert float(parse_decimal(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "« -5 » est négatif"),
        ("1" * 13, "trop grand : attendu au plus 12 chiffres avant la virgule"),
        ("1e400", "n'est pas un nombre"),
    ],
)
def test_bad_decimals_are_refused(text, message):
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["２０２１", "2021-٠٣"])
def test_dates_are_written_with_ascii_digits(text):
    with pytest.raises(ParseError, match="n'est pas une date"):
        parse_date(text)


def test_variants_are_field_value_pairs():
    assert parse_variantes("livraison=2021 | logements=39") == (("livraison", "2021"), ("logements", "39"))
    with pytest.raises(ParseError, match="champ=valeur"):
        parse_variantes("livraison 2021")
    with pytest.raises(ParseError, match=re.escape("élément vide, un « | » en trop ?")):
        parse_variantes("livraison=2021|")
