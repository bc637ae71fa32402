"""The French words built from structure: dates at their precision (« 1er mai »), counts, lists, and when
the sources were published, said rightly when none is dated."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from dashboard.data import wording
from dashboard.data.parsing import PartialDate
from dashboard.data.sourcedates import SourceDate
from dashboard.model.state import View


@pytest.mark.parametrize(
    ("date", "words"),
    [
        (PartialDate(2023), "2023"),
        (PartialDate(2019, 9), "septembre 2019"),
        (PartialDate(2020, 5, 4), "4 mai 2020"),
        (PartialDate(2020, 5, 1), "1er mai 2020"),
        (datetime.date(2025, 1, 1), "1er janvier 2025"),
        (datetime.date(2018, 11, 8), "8 novembre 2018"),
    ],
)
def test_a_date_is_written_at_its_precision_with_1er_on_the_first(date, words):
    assert wording.french_date(date) == words


def test_counts_agree_with_their_noun():
    assert wording.plural(0, "opération") == "0 opération"
    assert wording.plural(1, "opération") == "1 opération"
    assert wording.plural(1841, "opération") == "1\u202f841 opérations"
    assert wording.plural(2, "autre opération", "autres opérations") == "2 autres opérations"


def test_lists_end_with_et():
    assert wording.and_list(["Aisne", "Nord", "Oise"]) == "Aisne, Nord et Oise"
    assert wording.and_list(["Oise"]) == "Oise"
    assert wording.and_list([], "Hauts-de-France") == "Hauts-de-France"


ESTIMATED = SourceDate(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31), "2020", "mentions")
EXACT = SourceDate(datetime.date(2022, 3, 1), datetime.date(2022, 3, 1), "mars 2022")


def test_the_sources_publication_is_said_as_a_sentence_and_within_one():
    dates = {"b": EXACT, "a": ESTIMATED}
    assert wording.sources_published(dates) == "Sources publiées en 2020 (date estimée) et mars 2022"
    assert (
        wording.according_to_sources(dates)
        == "selon les sources publiées en 2020 (date estimée) et mars 2022"
    )


def test_sources_with_no_date_are_said_to_be_undated_in_a_sentence_that_reads():
    from dashboard.web.pages.region import year_words

    assert wording.sources_published({}) == "Date des sources inconnue"
    undated = SimpleNamespace(
        dataset=SimpleNamespace(source_dates={}), lookups=SimpleNamespace(sources_year=0)
    )
    assert year_words(undated, View(year=2022)) == "Situation fin 2022 selon des sources non datées."
    dated = SimpleNamespace(
        dataset=SimpleNamespace(source_dates={"a": EXACT}), lookups=SimpleNamespace(sources_year=2022)
    )
    assert year_words(dated, View(year=2022)) == "Situation fin 2022 selon les sources publiées en mars 2022."
    assert year_words(dated, View(year=2024)).startswith(
        "Projection fin 2024 selon les sources publiées en mars"
    )


def test_a_source_s_publication():
    assert wording.source_published(EXACT) == "source publiée en mars 2022"
    assert wording.source_published(ESTIMATED) == "source publiée en 2020, date estimée"
    assert wording.source_published(None) == "source non datée"
