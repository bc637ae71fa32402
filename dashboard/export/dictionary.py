"""The data dictionary of ``operations.csv``, declared once: the README's contract table (English, checked
by tests/test_dictionary.py), the spreadsheet's dictionary sheet and the open-data page (French)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from dashboard.data.schema import (
    DATE_COLUMNS,
    DECIMAL_COLUMNS,
    INTEGER_COLUMNS,
    OPERATION_COLUMNS,
    Derived,
    Op,
)
from dashboard.model.analysis import CERTAINTY, STATE_WORDS, STATUS, VARIANT_CERTAINTY, VARIANT_STATUS


class Kind:
    """How a column is typed in a spreadsheet."""

    TEXT: Final = "texte"
    INTEGER: Final = "entier"
    DECIMAL: Final = "nombre décimal"
    DATE: Final = "date (AAAA, AAAA-MM ou AAAA-MM-JJ)"


POSITION_COLUMNS: Final = (Op.LONGITUDE, Op.LATITUDE)


def kind_of(column: str) -> str:
    if column in INTEGER_COLUMNS or column in (Derived.LOGEMENTS_RETENUS, Derived.LOGEMENTS_MAX):
        return Kind.INTEGER
    if column in DECIMAL_COLUMNS or column in POSITION_COLUMNS:
        return Kind.DECIMAL
    if column in DATE_COLUMNS:
        return Kind.DATE
    return Kind.TEXT


@dataclass(frozen=True)
class Entry:
    """One row of the contract: the columns it covers, in English (README) and in French (users)."""

    columns: tuple[str, ...]
    en: str
    fr: str


CONTRACT: Final = (
    Entry(
        (Op.ID,),
        "stable slug, unique (`arras-rue-diderot`)",
        "identifiant stable et unique (`arras-rue-diderot`)",
    ),
    Entry(
        (Op.PROGRAMME,),
        "`ACV`, `hors ACV`, `NPRU` (what a page states of two Maréchal Juin buildings; not ACV), or "
        "`non précisé` when the source does not say",
        "`ACV`, `hors ACV`, `NPRU` (ce qu'une page dit de deux bâtiments du Maréchal Juin ; ce n'est pas "
        "ACV), ou `non précisé` quand la source ne le dit pas",
    ),
    Entry(
        (Op.COMMUNE, Op.CODE_INSEE),
        "official name and 5-character INSEE code, as text (`02691`)",
        "nom officiel et code INSEE à 5 caractères, en texte (`02691`)",
    ),
    Entry(
        (Op.ADRESSE, Op.NOM),
        "street as published; residence or programme name if any",
        "rue telle que publiée ; nom de la résidence ou du programme s'il y en a un",
    ),
    Entry(
        (Op.NATURE,),
        "`acquisition-amélioration`, `reconversion`, `requalification`, `réhabilitation`, `restructuration`, "
        "`démolition-reconstruction`, `démolition et conservation partielles`, `construction neuve`, "
        "or empty (not stated)",
        "`acquisition-amélioration`, `reconversion`, `requalification`, `réhabilitation`, `restructuration`, "
        "`démolition-reconstruction`, `démolition et conservation partielles`, `construction neuve`, "
        "ou vide (non précisée)",
    ),
    Entry((Op.DESCRIPTION,), "the published description", "la description publiée"),
    Entry(
        (Op.LOGEMENTS,),
        "total dwellings as published; empty if not published "
        '(the app then adds the published financing or typology counts, marked "calculé")',
        "nombre total de logements publié ; vide s'il ne l'est pas (le tableau de bord additionne alors "
        "les nombres publiés du financement ou de la typologie, marqué « calculé »)",
    ),
    Entry(
        (Op.FINANCEMENTS,),
        "`N CODE` items separated by `;`, codes joined by `/` where the source does not split them: "
        "`29 LLI/PLS; 18 LU/PLS; 8 PSLA`. Codes: PLAI, PLUS, PLS, PLI, LLI, PSLA, LU "
        "(meaning of LU not confirmed by any source)",
        "éléments `N CODE` séparés par `;`, codes joints par `/` quand la source ne les détaille pas : "
        "`29 LLI/PLS; 18 LU/PLS; 8 PSLA`. Codes : PLAI, PLUS, PLS, PLI, LLI, PSLA, LU "
        "(sens de LU confirmé par aucune source)",
    ),
    Entry(
        (Op.TYPOLOGIE,),
        "published unit types (`56 studios; 31 chambres; 2 T2`, `T2 à T4`)",
        "typologies publiées (`56 studios; 31 chambres; 2 T2`, `T2 à T4`)",
    ),
    Entry(
        (Op.SURFACE_M2, Op.COMMERCES),
        "surface and number of commercial units",
        "surface en m² et nombre de cellules commerciales",
    ),
    Entry(
        (Op.DEBUT_TRAVAUX, Op.LIVRAISON),
        "`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, at the precision published (a year is never padded to a day); "
        "where `jalons.csv` dates the operation, the loaded row shows the date the record follows "
        "(« The dated record »): today's, whatever the year exported; the state follows the plan known "
        "at the end of that year",
        "`AAAA`, `AAAA-MM` ou `AAAA-MM-JJ`, à la précision publiée "
        "(une année n'est jamais complétée en jour) ; quand `jalons.csv` date l'opération, la date que suit "
        "l'historique daté aujourd'hui (la constatée, sinon la prévision la plus récente), quelle que soit "
        "l'année exportée : l'état de l'année, lui, suit la prévision publiée à la fin de cette année",
    ),
    Entry(
        (Op.DUREE_MOIS,), "published duration when no date is given", "durée publiée, en mois, faute de date"
    ),
    Entry((Op.BUDGET_EUR,), "published cost", "coût publié, en euros"),
    Entry(
        (Op.LONGITUDE, Op.LATITUDE, Op.PRECISION_GEO),
        "position and its precision: `adresse`, `rue` or `commune`; "
        'empty means "place it inside the commune"',
        "position (WGS 84) et sa précision : `adresse`, `rue` ou `commune` "
        "(le point de la commune, pas celui de l'opération)",
    ),
    Entry(
        (Op.SOURCE,),
        "source id(s) from `sources.csv`, separated by `;`",
        "identifiant(s) de source (voir les sources), séparés par `;`",
    ),
    Entry(
        (Op.VARIANTES,),
        "another published value of a field, from another passage: `champ=valeur` items separated by `|` "
        "(`livraison=2021`)",
        "autre valeur publiée d'un champ, dans un autre passage : éléments `champ=valeur` séparés par `|` "
        "(`livraison=2021`)",
    ),
    Entry(
        (Op.CONFLIT,),
        "where the sources disagree, in words (shown with a ⚠ and reported by `check`)",
        "désaccord entre les passages ou les sources, en toutes lettres",
    ),
    Entry((Op.REMARQUES,), "caveats in words", "réserves, en toutes lettres"),
    # The optional columns of the README's second contract table.
    Entry(
        (Op.LOGEMENTS_MIN,),
        "the lower reading where the sources allow two (Ordener: « 64 PLAI et LU » then « 45 PLAI »: 64 if "
        "the 45 are among the 64, 109 otherwise); say why in `conflit`",
        "la lecture basse quand les sources en permettent deux ; la raison est dans `conflit`",
    ),
    Entry(
        (Op.INFERENCES,),
        "values deduced, not published as such: `champ=explication` items separated by `|`; each is shown "
        "with « déduit » and reported by `check`",
        "valeurs déduites, non publiées telles quelles : éléments `champ=explication` séparés par `|`",
    ),
)

# Columns the exports add to the contract's: computed by the dashboard, never published as such.
DERIVED: Final = (
    Entry(
        (STATUS,),
        "",
        "état à la fin de l'année choisie que les sources permettent de dire : `livraison constatée`, "
        "`livraison prévue`, `en travaux`, `annoncée` ou `inconnue` (pas encore publiée)",
    ),
    Entry(
        (CERTAINTY,),
        "",
        "comment cet état est connu : `constaté` (une source publiée après l'a dit), `prévu` (une date "
        "annoncée comme prévision) ou `inconnu` (rien de publié depuis)",
    ),
    Entry(
        (STATE_WORDS,),
        "",
        "l'état en mots, avec la prévision connue à la fin de l'année choisie et la date de sa source : "
        "« livraison prévue en 2023 (annoncée en 2020) »",
    ),
    Entry((VARIANT_STATUS,), "", "état selon l'autre valeur publiée d'une date, quand il diffère"),
    Entry((VARIANT_CERTAINTY,), "", "comment cet autre état est connu"),
    Entry(
        (Derived.LOGEMENTS_RETENUS,),
        "",
        "logements, lecture basse : le total publié, sinon la somme du financement ou de la typologie",
    ),
    Entry(
        (Derived.LOGEMENTS_MAX,),
        "",
        "logements, lecture haute quand les sources en permettent deux "
        "(vide : « au moins » la lecture basse)",
    ),
    Entry(
        (Derived.LOGEMENTS_ORIGINE,),
        "",
        "d'où vient ce nombre : `publié`, `somme du financement`, `somme de la typologie` ou `fourchette`",
    ),
    Entry((Derived.SOURCE_LABEL,), "", "date de publication de la source la plus récente de l'opération"),
)

CODE = re.compile(r"`([^`]*)`")


def plain(text: str) -> str:
    """The text without its Markdown code marks (for a spreadsheet cell)."""
    return CODE.sub(r"\1", text)


def rows(*, derived: bool = True) -> list[tuple[str, str, str]]:
    """(column, type, French description), one per column, in the order of the contract's columns."""
    entries = CONTRACT + (DERIVED if derived else ())
    described = {column: entry for entry in entries for column in entry.columns}
    order = [*OPERATION_COLUMNS, *(column for entry in DERIVED for column in entry.columns)]
    return [(column, kind_of(column), plain(described[column].fr)) for column in order if column in described]


def readme_rows() -> list[str]:
    """The rows of the README's contract tables, as they must read, in order."""
    return [
        "| " + ", ".join(f"`{column}`" for column in entry.columns) + f" | {entry.en} |"
        for entry in CONTRACT
        if all(column in OPERATION_COLUMNS for column in entry.columns)
    ]


def covered() -> set[str]:
    return {column for entry in CONTRACT for column in entry.columns if column in OPERATION_COLUMNS}
