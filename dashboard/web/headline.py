"""What a page leads with, saying what it counts and as of when: perimeter, published totals beside the
detail published, key figures as ranges and by certainty, the financing chart's gap, partner communes.

Pure: data in, Dash components out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from dash import html

from dashboard.data import wording
from dashboard.data.schema import PROGRAMME_ACV, PROGRAMMES, Certainty, Partner, Status, Total
from dashboard.data.sourcedates import SourceDate
from dashboard.model import formatting
from dashboard.model.analysis import KeyFigures, MixGap, Range

WARNING_SIGN = "⚠"
PROGRAMME_NAME = "Action Cœur de Ville"


def range_text(value: Range, *, unit: str = "") -> str:
    """``344 à 407``, ``au moins 74``, ``46`` (French numbers)."""
    suffix = f"\u00a0{unit}" if unit else ""
    if value.high is None:
        return f"au moins {formatting.number(value.low)}{suffix}"
    if value.exact:
        return f"{formatting.number(value.low)}{suffix}"
    return f"{formatting.number(value.low)} à {formatting.number(value.high)}{suffix}"


@dataclass(frozen=True)
class Perimeter:
    """What a view counts, in words: the place and the programme."""

    place: str  # « Hauts-de-France », « Oise », « Oise et Aisne », « Compiègne »
    programmes: tuple[str, ...]  # the programme filter (empty: all)

    @property
    def acv_only(self) -> bool:
        return self.programmes == (PROGRAMME_ACV,)

    @property
    def includes_acv(self) -> bool:
        return not self.programmes or PROGRAMME_ACV in self.programmes

    def programme_words(self) -> str:
        if self.acv_only:
            return f"du programme {PROGRAMME_NAME}"
        if not self.programmes or set(self.programmes) == set(PROGRAMMES):
            return f"publiées, {PROGRAMME_NAME} ou non,"
        others = [p for p in self.programmes if p != PROGRAMME_ACV]
        words = {"hors ACV": "hors programme", "non précisé": "programme non précisé par la source"}
        parts = ([f"programme {PROGRAMME_NAME}"] if PROGRAMME_ACV in self.programmes else []) + [
            words.get(p, p) for p in others
        ]
        return "(" + ", ".join(parts) + ")"

    def title(self) -> str:
        """« Opérations du programme Action Cœur de Ville de Clésence — Oise »."""
        return f"Opérations {self.programme_words()} de Clésence — {self.place}"


search_line = wording.search_line


def _published(totals: pd.DataFrame, indicator: str) -> pd.DataFrame:
    return totals[totals[Total.INDICATEUR] == indicator]


def published_value(totals: pd.DataFrame, indicator: str, *, euros: bool = False) -> str:
    """The published value; several, each with the year it describes where given: « 27 (2022) · 33 (2021) »
    (two dated claims side by side, neither a part of the other)."""
    rows = _published(totals, indicator)
    years = rows[Total.ANNEE].tolist() if Total.ANNEE in rows else [""] * len(rows)
    pairs = dict.fromkeys(
        (formatting.euros(v) if euros else formatting.number(v), str(y or ""))
        for v, y in zip(rows[Total.VALEUR], years, strict=True)
    )
    values = dict.fromkeys(value for value, _ in pairs)
    if len(values) <= 1:
        return next(iter(values), formatting.UNKNOWN)
    return " · ".join(f"{value} ({year})" if year else value for value, year in pairs)


def programme_claims(totals: pd.DataFrame) -> str:
    """« 27 programmes et 882 logements (2022) ; 33 opérations et 864 logements (2021) »: each published
    total of the programme with the year it describes, side by side."""
    claims = []
    programmes, dwellings = _published(totals, "acv_programmes"), _published(totals, "acv_logements")
    for _, row in programmes.iterrows():
        year = str(row.get(Total.ANNEE, "") or "")
        same = dwellings[dwellings[Total.SOURCE] == row[Total.SOURCE]]
        words = f"{formatting.number(row[Total.VALEUR])} {row[Total.UNITE]}"
        if len(same):
            words += f" et {formatting.number(same[Total.VALEUR].iloc[0])} logements"
        claims.append(f"{words} ({year})" if year else words)
    return " ; ".join(dict.fromkeys(claims)) or formatting.UNKNOWN


def published_lead(
    totals: pd.DataFrame,
    detail: KeyFigures,
    *,
    source_label: str,
    perimeter: Perimeter,
    planned: tuple[str, Sequence[str]] | None = None,
) -> html.Section:
    """The programme's published totals first, the detail published beside them (both ACV only); planned
    against actual (its counts, then each delivery in a fold) and the investment's caveat (its first clause,
    then the rest in a fold) keep the first screen for the figures."""
    investment = _published(totals, "acv_investissement")
    caveat = next((r for r in investment.get(Total.REMARQUE, pd.Series(dtype=str)) if r), "")
    programmes = published_value(totals, "acv_programmes")
    dwellings = published_value(totals, "acv_logements")
    cards = [
        _lead_card(programmes, "programmes"),
        _lead_card(dwellings, "logements produits"),
        _lead_card(published_value(totals, "acv_centres_villes"), "centres-villes"),
        _lead_card(
            published_value(totals, "acv_investissement", euros=True)
            + (f" {WARNING_SIGN}" if caveat else ""),
            "investissement global",
            title=caveat,
        ),
    ]
    coverage = (
        f"Totaux publiés par Clésence : {programme_claims(totals)}. Détail publié par les sources : "
        f"{wording.plural(detail.operations, 'opération')} {PROGRAMME_NAME}, "  # says what it counts
        f"{DwellingSum.of_all(detail).with_unit()}. "
        "Aucune source ne dit quelles opérations ces totaux comprennent."
    )
    return html.Section(
        [
            html.H2(f"{PROGRAMME_NAME} : ce que Clésence annonce ({source_label})", className="lead-title"),
            # the caveat beside the figure it is about, in the row's room to spare
            html.Div([*cards, _caveat(caveat) if caveat else None], className="lead-row"),
            html.P(coverage, className="lead-coverage"),
            _planned(planned) if planned else None,
            None
            if perimeter.includes_acv
            else html.P(
                "Ces totaux concernent le programme Action Cœur de Ville, hors du périmètre choisi.",
                className="lead-caveat",
            ),
        ],
        className="lead",
        **{"aria-label": "Chiffres publiés du programme et détail publié"},
    )


def _folded(summary, body, *, className: str) -> html.Details:
    """A sentence that reads on its own, its particulars one click away (open on paper: print.css)."""
    return html.Details(
        [html.Summary(summary, className="lead-summary"), body], className=f"lead-more {className}"
    )


def _planned(planned: tuple[str, Sequence[str]]) -> html.Details | html.P:
    words, lines = planned
    if not lines:
        return html.P(["Prévu et constaté : ", words], className="lead-more planned-vs-actual")
    return _folded(
        ["Prévu et constaté : ", words],
        html.Ul([html.Li(line) for line in lines], className="lead-particulars"),
        className="planned-vs-actual",
    )


def _caveat(caveat: str) -> html.Details | html.P:
    """« ⚠ Montant publié tel quel, à prendre avec précaution », the reasons folded under it."""
    head, colon, rest = caveat.partition(" : ")
    if not colon:
        return html.P(f"{WARNING_SIGN} {caveat}", className="lead-caveat")
    return _folded(
        f"{WARNING_SIGN} {head}",
        html.P(rest[:1].upper() + rest[1:], className="lead-caveat-rest"),
        className="lead-caveat",
    )


def _lead_card(value: str, label: str, *, title: str = "") -> html.Div:
    return html.Div(
        [html.Div(value, className="lead-value"), html.Div(label, className="lead-label")],
        className="lead-card",
        title=title or None,
    )


# (singular, plural) of each state, as the key figures count them.
STATE_WORDS = {
    (Status.DELIVERED, Certainty.REPORTED): ("livrée (constaté)", "livrées (constaté)"),
    (Status.DELIVERED, Certainty.FORECAST): ("livraison prévue", "livraisons prévues"),
    (Status.UNDER_WAY, Certainty.REPORTED): ("en travaux (constaté)", "en travaux (constaté)"),
    (Status.UNDER_WAY, Certainty.FORECAST): ("démarrage prévu", "démarrages prévus"),
    (Status.UNDER_WAY, Certainty.UNKNOWN): ("travaux sans nouvelles", "travaux sans nouvelles"),
    (Status.ANNOUNCED, Certainty.REPORTED): ("annoncée", "annoncées"),
    (Status.ANNOUNCED, Certainty.FORECAST): ("annoncée, calendrier prévu", "annoncées, calendrier prévu"),
    (Status.ANNOUNCED, Certainty.UNKNOWN): ("annoncée, sans nouvelles", "annoncées, sans nouvelles"),
    (Status.UNKNOWN, Certainty.UNKNOWN): ("pas encore publiée", "pas encore publiées"),
}


def states_line(figures: KeyFigures) -> str:
    """« 5 livraisons prévues · 2 travaux prévus · 1 travaux sans nouvelles »."""
    counts = {key: figures.operations_in(*key) for key in STATE_WORDS}
    parts = [f"{formatting.number(n)} {STATE_WORDS[key][n > 1]}" for key, n in counts.items() if n]
    return " · ".join(parts)


# A sum of dwellings counts only the operations whose number is published. Every output that shows one
# (page, slide, printed sheet, embed card, staff preview) says it with these words: a sum where no
# operation's number is published is « non publié », never « 0 », and the operations a sum leaves out are
# counted beside it (« 1 opération livrée sans nombre publié »).
UNCOUNTED = "sans nombre publié"
# A key figure's value carries what its sum leaves out, in short (« 101 à 117 » over « + 1 sans nombre »), in
# every output that shows the value (page, slide, printed sheet, embed card): the region's slide shows no
# detail line, and a sum read alone must never pass for the whole. Its detail then does not say it again.
UNCOUNTED_MARK = "sans nombre"
# The same mark on the other sums of what only some operations publish: the surface (« 23 203 m² » over
# « + 7 sans surface ») and the cost (« 17,4 M€ » over « + 14 sans coût »); (short, in full) words of what
# they lack.
NO_SURFACE = ("sans surface", "sans surface publiée")
NO_COST = ("sans coût", "sans coût publié")


def left_out_mark(unknown: int, words: str) -> str:
    """« + 1 sans nombre », « + 7 sans surface »: what a sum leaves out, on its value."""
    return f"+ {formatting.number(unknown)} {words}"


STATE_OPERATIONS = {  # (singular, plural) of an operation in a state whose dwellings are summed
    (Status.DELIVERED, Certainty.REPORTED): ("opération livrée", "opérations livrées"),
    (Status.DELIVERED, Certainty.FORECAST): ("opération à livraison prévue", "opérations à livraison prévue"),
    (Status.UNDER_WAY, Certainty.REPORTED): ("opération en travaux", "opérations en travaux"),
}


@dataclass(frozen=True)
class DwellingSum:
    """A sum of dwellings and what it leaves out: ``operations`` summed over, ``unknown`` of them without a
    published number; ``noun``: (singular, plural) of such an operation."""

    known: Range
    operations: int
    unknown: int
    noun: tuple[str, str] = ("opération", "opérations")

    @classmethod
    def of_state(cls, figures: KeyFigures, status: str, certainty: str) -> DwellingSum:
        return cls(
            figures.dwellings_in(status, certainty),
            figures.operations_in(status, certainty),
            figures.dwellings_unknown_in(status, certainty),
            STATE_OPERATIONS.get((status, certainty), ("opération", "opérations")),
        )

    @classmethod
    def of_all(cls, figures: KeyFigures) -> DwellingSum:
        return cls(figures.dwellings_range, figures.operations, figures.dwellings_unknown)

    @property
    def none_known(self) -> bool:
        return bool(self.operations) and self.unknown >= self.operations

    def value(self) -> str:
        """« 46 », « 39 à 55 », or « non publié » when no operation's number is published."""
        return formatting.UNKNOWN if self.none_known else range_text(self.known)

    def left_out(self, *, noun: bool = True) -> str:
        """« 1 opération livrée sans nombre publié » (``noun=False``: « 1 opération sans nombre publié »),
        or nothing when every number is published."""
        if not self.unknown:
            return ""
        words = self.noun if noun else ("opération", "opérations")
        return f"{wording.plural(self.unknown, *words)} {UNCOUNTED}"

    def mark(self) -> str:
        """« + 1 sans nombre » on the value itself (``left_out`` in full is its tooltip), or nothing when
        every number is published or none is (the value then reads « non publié », its detail says why)."""
        if not self.unknown or self.none_known:
            return ""
        return left_out_mark(self.unknown, UNCOUNTED_MARK)

    def unmarked_left_out(self, *, noun: bool = True) -> str:
        """What a card's detail says the sum leaves out: only what the value's mark does not."""
        return "" if self.mark() else self.left_out(noun=noun)

    def with_unit(self) -> str:
        """In a one-line summary (a page's title, a link preview): « 90 logements », « 1 logement », « 90
        logements, hors 1 opération sans nombre publié » (the sum never reads as the whole), « nombre de
        logements non publié »."""
        if self.none_known:
            return formatting.UNKNOWN_DWELLINGS
        return f"{self._counted()}, hors {self.left_out(noun=False)}" if self.unknown else self._counted()

    def titled(self) -> str:
        """In a title (a browser tab, a link preview's headline), short: « 90 logements », « 90 logements + 1
        sans nombre » (the value's mark: the sum never reads as the whole), « nombre de logements non
        publié ». The description beside it says the same in full words (``with_unit``)."""
        if self.none_known:
            return formatting.UNKNOWN_DWELLINGS
        return f"{self._counted()} {self.mark()}" if self.unknown else self._counted()

    def _counted(self) -> str:
        return f"{range_text(self.known)} {'logement' if self.known.high == 1 else 'logements'}"

    def inline(self, *, noun: bool = True) -> str:
        """In a sentence or a cell: « 46 », « 46 + 1 opération livrée sans nombre publié », « 1 opération
        livrée sans nombre publié »."""
        if not self.unknown:
            return range_text(self.known)
        left_out = self.left_out(noun=noun)
        return left_out if self.none_known else f"{range_text(self.known)} + {left_out}"


@dataclass(frozen=True)
class PartSum:
    """A sum of what only some operations publish (a surface, a cost): ``operations`` summed over,
    ``unknown`` of them publishing none; ``missing``: (short, in full) words of what they lack. Marked on
    its value as a sum of dwellings is (« + 7 sans surface »), « non publié » when none is published."""

    operations: int
    unknown: int
    missing: tuple[str, str]

    @property
    def none_known(self) -> bool:
        return self.unknown >= self.operations

    def mark(self) -> str:
        """« + 7 sans surface » on the value, or nothing when every operation publishes it or none does."""
        return "" if not self.unknown or self.none_known else left_out_mark(self.unknown, self.missing[0])

    def left_out(self) -> str:
        """« 7 opérations sans surface publiée »: the mark's tooltip, in full words."""
        return f"{wording.plural(self.unknown, 'opération')} {self.missing[1]}" if self.unknown else ""

    def unmarked_left_out(self) -> str:
        """What the card's detail says: only what the value's mark does not (why it reads « non publié »)."""
        return "" if self.mark() else self.left_out()

    @classmethod
    def surface(cls, figures: KeyFigures) -> PartSum:
        return cls(figures.operations, figures.surface_unknown, NO_SURFACE)

    @classmethod
    def cost(cls, figures: KeyFigures) -> PartSum:
        return cls(figures.operations, figures.operations - figures.cost_known, NO_COST)


def key_figures(figures: KeyFigures, *, year: int, sources_year: int) -> html.Div:
    """The figures of the operations shown: ranges where the sources allow two readings, facts apart
    from forecasts, and what each leaves out."""
    projection = year > sources_year
    when = f"fin {year}" + (" (projection)" if projection else "")
    dwellings = DwellingSum.of_all(figures)
    dwellings_notes = []
    if figures.dwellings_ambiguous:
        dwellings_notes.append(
            f"{WARNING_SIGN} {wording.plural(figures.dwellings_ambiguous, 'opération')} à deux lectures"
        )
    if figures.dwellings_computed:
        dwellings_notes.append(f"{formatting.number(figures.dwellings_computed)} calculés (total non publié)")
    if dwellings.unmarked_left_out():
        dwellings_notes.append(dwellings.unmarked_left_out())
    delivered = DwellingSum.of_state(figures, Status.DELIVERED, Certainty.REPORTED)
    planned = DwellingSum.of_state(figures, Status.DELIVERED, Certainty.FORECAST)
    delivered_notes = [when, delivered.unmarked_left_out()]
    if planned.operations:  # said even when none of their numbers is published
        delivered_notes.append(f"livraisons prévues (non constatées) : {planned.inline(noun=False)}")
    surface, cost = PartSum.surface(figures), PartSum.cost(figures)
    return html.Div(
        [
            _card(wording.plural(figures.operations, "opération"), "dans la vue", states_line(figures)),
            _card(
                dwellings.value() + (f" {WARNING_SIGN}" if figures.dwellings_ambiguous else ""),
                "logements",
                " ; ".join(dwellings_notes),
                uncounted=dwellings,
            ),
            _card(
                delivered.value(),
                "logements livrés, constatés",
                " · ".join(note for note in delivered_notes if note),
                uncounted=delivered,
            ),
            _card(
                formatting.UNKNOWN  # not « 0 m² » when no surface is published
                if surface.none_known
                else formatting.number(figures.surface_m2, unit="m²"),
                "surface publiée",
                surface.unmarked_left_out(),
                uncounted=surface,
            ),
            _card(
                formatting.UNKNOWN if cost.none_known else formatting.euros(figures.cost_eur),
                "coût publié",
                cost.unmarked_left_out(),
                uncounted=cost,
            ),
        ],
        className="kf-row",
        role="group",
        **{"aria-label": f"Chiffres clés de la vue, {when}"},
    )


def _card(
    value: str, label: str, detail: str = "", *, uncounted: DwellingSum | PartSum | None = None
) -> html.Div:
    """A key figure: its value (a sum marked with what it leaves out), its label, its detail (on the page and
    on paper, not on the region's slide)."""
    mark = uncounted.mark() if uncounted else ""
    return html.Div(
        [
            html.Div(
                [value, " ", html.Span(mark, className="kf-uncounted", title=uncounted.left_out())]
                if uncounted and mark
                else value,
                className="kf-value",
            ),
            html.Div(label, className="kf-label"),
            html.Div(detail, className="kf-detail") if detail else None,
        ],
        className="kf-card",
    )


def mix_note(gaps: Sequence[MixGap], mix_total: int, dwellings: Range) -> html.P | None:
    """Why the financing bars do not add up to the dwellings shown, operation by operation."""
    if not gaps:
        return None
    causes = "; ".join(
        f"{gap.name} : {formatting.number(gap.mix_total)} financés pour {range_text(gap.dwellings)}"
        for gap in gaps
    )
    return html.P(
        f"{WARNING_SIGN} Les barres totalisent {formatting.number(mix_total)} logements financés, pour "
        f"{range_text(dwellings)} logements dans la vue : {causes}.",
        className="note mix-gap",
    )


def partner_notice(
    partners: pd.DataFrame, titles: Mapping[str, str], dates: Mapping[str, SourceDate], name: str
):
    """A partner commune's page: what the sources say, and that no operation detail was published."""
    quotes = [
        html.Li(
            [
                html.Q(row[Partner.CITATION]),
                " — ",
                html.Cite(titles.get(row[Partner.SOURCE], row[Partner.SOURCE])),
                f" ({dates[row[Partner.SOURCE]].label})" if row[Partner.SOURCE] in dates else "",
            ]
        )
        for _, row in partners.iterrows()
    ]
    return html.Section(
        [
            html.H2("Ce que disent les sources"),
            html.P(
                f"Clésence intervient à {name} selon les sources citées ci-dessous ; le détail des "
                "opérations n'y a pas été publié. Aucun chiffre de cette commune n'est donc affiché : "
                "ce n'est pas zéro, c'est inconnu.",
                className="partner-text",
            ),
            html.Ul(quotes, className="partner-quotes"),
        ],
        className="panel partner",
    )
