"""The data contract: column names and vocabularies, declared once."""

from __future__ import annotations

from typing import Final


class Op:
    """Columns of ``operations.csv`` (French: the file is edited in a spreadsheet)."""

    ID: Final = "id"
    PROGRAMME: Final = "programme"
    COMMUNE: Final = "commune"
    CODE_INSEE: Final = "code_insee"
    ADRESSE: Final = "adresse"
    NOM: Final = "nom"
    NATURE: Final = "nature"
    DESCRIPTION: Final = "description"
    LOGEMENTS: Final = "logements"
    LOGEMENTS_MIN: Final = "logements_min"  # the lower reading, where the sources allow two
    FINANCEMENTS: Final = "financements"
    TYPOLOGIE: Final = "typologie"
    SURFACE_M2: Final = "surface_m2"
    COMMERCES: Final = "commerces"
    DEBUT_TRAVAUX: Final = "debut_travaux"
    LIVRAISON: Final = "livraison"
    DUREE_MOIS: Final = "duree_mois"
    BUDGET_EUR: Final = "budget_eur"
    LONGITUDE: Final = "longitude"
    LATITUDE: Final = "latitude"
    PRECISION_GEO: Final = "precision_geo"
    SOURCE: Final = "source"
    VARIANTES: Final = "variantes"
    INFERENCES: Final = "inferences"  # values deduced, not published as such: ``champ=why`` items
    CONFLIT: Final = "conflit"
    REMARQUES: Final = "remarques"


# Order of the contract, as the file is written.
OPERATION_COLUMNS: Final = (
    Op.ID,
    Op.PROGRAMME,
    Op.COMMUNE,
    Op.CODE_INSEE,
    Op.ADRESSE,
    Op.NOM,
    Op.NATURE,
    Op.DESCRIPTION,
    Op.LOGEMENTS,
    Op.LOGEMENTS_MIN,
    Op.FINANCEMENTS,
    Op.TYPOLOGIE,
    Op.SURFACE_M2,
    Op.COMMERCES,
    Op.DEBUT_TRAVAUX,
    Op.LIVRAISON,
    Op.DUREE_MOIS,
    Op.BUDGET_EUR,
    Op.LONGITUDE,
    Op.LATITUDE,
    Op.PRECISION_GEO,
    Op.SOURCE,
    Op.VARIANTES,
    Op.INFERENCES,
    Op.CONFLIT,
    Op.REMARQUES,
)
# Columns a file may leave out (added empty); every other one is required.
OPTIONAL_COLUMNS: Final = frozenset({Op.LOGEMENTS_MIN, Op.VARIANTES, Op.INFERENCES, Op.CONFLIT, Op.REMARQUES})
INTEGER_COLUMNS: Final = (Op.LOGEMENTS, Op.LOGEMENTS_MIN, Op.SURFACE_M2, Op.COMMERCES, Op.DUREE_MOIS)
DECIMAL_COLUMNS: Final = (Op.BUDGET_EUR,)
DATE_COLUMNS: Final = (Op.DEBUT_TRAVAUX, Op.LIVRAISON)
# Columns whose value may be given again, from another passage, in ``variantes``.
VARIANT_COLUMNS: Final = (
    tuple(c for c in INTEGER_COLUMNS if c != Op.LOGEMENTS_MIN)
    + DECIMAL_COLUMNS
    + DATE_COLUMNS
    + (Op.FINANCEMENTS,)
)


class Derived:
    """Columns the loader adds to the operations frame."""

    DEPARTEMENT: Final = "departement"
    LOGEMENTS_RETENUS: Final = "logements_retenus"  # the lower reading: what marker sizes and sorting use
    LOGEMENTS_MAX: Final = "logements_max"  # the higher reading; empty when open-ended (« au moins … »)
    LOGEMENTS_ORIGINE: Final = "logements_origine"
    DEBUT: Final = "debut"  # ``debut_travaux`` as a PartialDate (or None), parsed once
    FIN: Final = "fin"  # ``livraison`` as a PartialDate (or None)
    VARIANTES: Final = "variantes_lues"  # ``variantes`` as a dict column -> typed value
    SOURCE_DATE: Final = "date_source"  # earliest day the row's latest source may be from (datetime.date)
    SOURCE_LABEL: Final = "source_publiee"  # that source's date as people say it: « 2020 »
    # Whether the start and the delivery the chronology follows were over when a source said so (from
    # ``jalons.csv`` where it dates them, else ``debut_travaux``/``livraison`` against the latest source).
    DEBUT_CONSTATE: Final = "debut_constate"
    FIN_CONSTATEE: Final = "livraison_constatee"
    # The day by which a source speaking of the operation had surely been published (the earliest of its
    # sources' latest possible days): before it, the operation may not have been public yet.
    FIRST_KNOWN: Final = "connue_au_plus_tard"
    FIRST_LABEL: Final = "source_premiere"  # that first source's date as people say it
    PLAN_LABEL: Final = "source_prevision"  # the date of the source of the plan followed (empty: none)
    FIN_NOTE: Final = "livraison_selon"  # how a reported delivery is known: « inauguration, année déduite »
    # Where newer forecasts replaced older ones: the plans followed before (milestones.PlanAsOf, oldest
    # first), so that a past year's state follows the forecast published by then; ``None`` for most rows.
    PLANS_BEFORE: Final = "previsions_anterieures"
    LIGNE: Final = "ligne"
    # Each operation's place in the served table (dashboard.web.context.compact): a request selects the
    # financing rows of the operations it shows by these integers instead of comparing their ids (issue 24).
    POSITION: Final = "position"


class Mix:
    """Columns of the tidy tenure-mix table (one row per published item)."""

    ID: Final = Op.ID
    CODE: Final = "code"
    LOGEMENTS: Final = "logements"
    POSITION: Final = Derived.POSITION  # its operation's position in the served table (-1: none)


class Total:
    """Columns of ``chiffres_publies.csv``: published figures that are not operations."""

    INDICATEUR: Final = "indicateur"
    LIBELLE: Final = "libelle"
    VALEUR: Final = "valeur"
    UNITE: Final = "unite"
    PERIMETRE: Final = "perimetre"
    SOURCE: Final = "source"
    CITATION: Final = "citation"
    REMARQUE: Final = "remarque"  # a caveat shown beside the figure
    ANNEE: Final = "annee"  # the year the figure describes, where the source says it (« en 2021 »)


TOTAL_COLUMNS: Final = (
    Total.INDICATEUR,
    Total.LIBELLE,
    Total.VALEUR,
    Total.UNITE,
    Total.PERIMETRE,
    Total.SOURCE,
    Total.CITATION,
)


class Partner:
    """Columns of ``communes_partenaires.csv``: communes a source names as places where Clésence works."""

    CODE_INSEE: Final = "code_insee"
    COMMUNE: Final = "commune"
    SOURCE: Final = "source"
    CITATION: Final = "citation"


PARTNER_COLUMNS: Final = (Partner.CODE_INSEE, Partner.COMMUNE, Partner.SOURCE, Partner.CITATION)


class Src:
    """Columns of ``sources.csv``."""

    SOURCE: Final = "source"
    TITRE: Final = "titre"
    EDITEUR: Final = "editeur"
    DATE: Final = "date"  # the publication date as people say it (« 2020 »), exact or estimated
    DATE_MIN: Final = "date_min"  # earliest day it may have been published (AAAA-MM-JJ)
    DATE_MAX: Final = "date_max"  # latest day
    BASE_DATE: Final = "base_date"  # why these dates, in words
    FICHIER: Final = "fichier_origine"
    REMARQUES: Final = "remarques"
    ADRESSE: Final = "adresse"  # the page's address (optional: the first two sources were files)
    CONSULTE: Final = "consulte"  # when the page was read (AAAA-MM)


class Ms:
    """Columns of ``jalons.csv``: one dated milestone of one operation, as one source gives it."""

    OPERATION: Final = "operation"
    TYPE: Final = "type"
    DATE: Final = "date"  # AAAA, AAAA-MM, AAAA-MM-JJ, AAAA-S1/S2 or AAAA-printemps/ete/automne/hiver; empty
    PRECISION: Final = "precision"
    ETAT: Final = "etat"  # « constaté » (over when the source says so) or « prévu » (a plan at its date)
    SOURCE: Final = "source"
    CITATION: Final = "citation"  # at most the words that carry the date
    INFERENCE: Final = "inference"  # why a date not written as such (a year left out) is what it is
    REMARQUE: Final = "remarque"


# Order of the contract, as the file is written (and as a workbook's sheet would show it).
MILESTONE_COLUMNS: Final = (
    Ms.OPERATION,
    Ms.TYPE,
    Ms.DATE,
    Ms.PRECISION,
    Ms.ETAT,
    Ms.SOURCE,
    Ms.CITATION,
    Ms.INFERENCE,
    Ms.REMARQUE,
)
MILESTONE_OPTIONAL: Final = frozenset({Ms.CITATION, Ms.INFERENCE, Ms.REMARQUE})


class Kind:
    """Kinds of milestones (``jalons.csv`` column ``type``)."""

    ACQUISITION: Final = "acquisition"
    DEMOLITION: Final = "demolition"
    START: Final = "debut_travaux"
    FIRST_STONE: Final = "premiere_pierre"
    DELIVERY: Final = "livraison"
    PHASE_DELIVERY: Final = "livraison_partielle"
    MOVE_IN: Final = "emmenagement"
    INAUGURATION: Final = "inauguration"
    POSTPONED: Final = "report"
    INTERRUPTION: Final = "interruption"
    RESUMPTION: Final = "reprise"
    ABANDONED: Final = "abandon"
    OTHER: Final = "autre"


MILESTONE_KINDS: Final = {
    Kind.ACQUISITION: "acquisition",
    Kind.DEMOLITION: "démolition",
    Kind.START: "début des travaux",
    Kind.FIRST_STONE: "première pierre",
    Kind.DELIVERY: "livraison",
    Kind.PHASE_DELIVERY: "livraison d'une phase",
    Kind.MOVE_IN: "emménagement",
    Kind.INAUGURATION: "inauguration",
    Kind.POSTPONED: "report",
    Kind.INTERRUPTION: "interruption",
    Kind.RESUMPTION: "reprise des travaux",
    Kind.ABANDONED: "abandon",
    Kind.OTHER: "autre",
}
# Milestones that date the start of works, and those that show the whole operation delivered: a move-in or
# an inauguration reported is a delivery reported, at the latest on that date.
START_KINDS: Final = (Kind.START, Kind.FIRST_STONE)
DELIVERY_KINDS: Final = (Kind.DELIVERY, Kind.MOVE_IN, Kind.INAUGURATION)
# Precisions from the most to the least specific.
MILESTONE_PRECISIONS: Final = ("jour", "mois", "saison", "semestre", "année")


class Fig:
    """Columns of ``chiffres_operations.csv``: one figure of one operation, as one source gives it."""

    OPERATION: Final = "operation"
    CHAMP: Final = "champ"  # what is counted: logements, cout_total_eur, places, programme…
    VALEUR: Final = "valeur"
    UNITE: Final = "unite"
    PORTEE: Final = "portee"  # what part of the operation the figure covers (empty: all of it)
    SOURCE: Final = "source"
    CITATION: Final = "citation"
    REMARQUE: Final = "remarque"


FIGURE_COLUMNS: Final = (
    Fig.OPERATION,
    Fig.CHAMP,
    Fig.VALEUR,
    Fig.UNITE,
    Fig.PORTEE,
    Fig.SOURCE,
    Fig.CITATION,
    Fig.REMARQUE,
)
FIGURE_OPTIONAL: Final = frozenset({Fig.UNITE, Fig.PORTEE, Fig.CITATION, Fig.REMARQUE})


class Geo:
    """Properties of the commune GeoJSON features."""

    CODE: Final = "code"
    NOM: Final = "nom"


class Acv:
    """Columns of the ANCT list of Action Cœur de Ville communes."""

    CODE_INSEE: Final = "code_insee"
    COMMUNE: Final = "commune"
    DEPARTEMENT: Final = "departement"
    REGION: Final = "region"


PROGRAMME_ACV: Final = "ACV"
# « NPRU » (Nouveau programme de renouvellement urbain) is what a page states of some operations: it is
# not Action Cœur de Ville, and is kept as said rather than folded into « hors ACV » or « non précisé ».
PROGRAMMES: Final = (PROGRAMME_ACV, "hors ACV", "NPRU", "non précisé")

# Financing codes from the most to the least social; combined codes keep their parts.
FINANCING_CODES: Final = ("PLAI", "PLUS", "PLS", "PLI", "LLI", "PSLA", "LU")
FINANCING_LABELS: Final = {
    "PLAI": "Prêt locatif aidé d'intégration",
    "PLUS": "Prêt locatif à usage social",
    "PLS": "Prêt locatif social",
    "PLI": "Prêt locatif intermédiaire",
    "LLI": "Logement locatif intermédiaire",
    "PSLA": "Prêt social location-accession",
    "LU": "LU (sens non confirmé par les sources)",
}
UNSPECIFIED_MIX: Final = "non précisé"

NATURES: Final = (
    "acquisition-amélioration",
    "reconversion",
    "requalification",
    "réhabilitation",
    "restructuration",
    "démolition-reconstruction",
    "démolition et conservation partielles",
    "construction neuve",
)
PRECISIONS: Final = ("adresse", "rue", "commune")
PRECISION_COMMUNE: Final = "commune"
OVERSEAS_PREFIX: Final = "97"  # overseas départements (971 to 976) and their communes: three-digit codes


class Status:
    """State of an operation at the end of a year."""

    DELIVERED: Final = "livrée"
    UNDER_WAY: Final = "en travaux"
    ANNOUNCED: Final = "annoncée"
    UNKNOWN: Final = "inconnue"  # before the first source that speaks of the operation


STATUS_PLURALS: Final = {
    Status.DELIVERED: "livrées",
    Status.UNDER_WAY: "en travaux",
    Status.ANNOUNCED: "annoncées",
    Status.UNKNOWN: "inconnues",
}


class Certainty:
    """How a status at a year is known: said by a source, planned by a source, or not known."""

    REPORTED: Final = "constaté"  # a source published before that date says so
    FORECAST: Final = "prévu"  # a source gives it as a plan (a date after its own publication)
    UNKNOWN: Final = "inconnu"  # no source says anything of that date


# The Statut filter's choices: « livrée » is said apart as reported or planned, so that no forecast is
# ever counted as a delivery; « livrée » alone (older links) keeps both.
DELIVERY_REPORTED: Final = "livraison constatée"
DELIVERY_PLANNED: Final = "livraison prévue"
STATUS_CHOICES: Final = (
    DELIVERY_REPORTED,
    DELIVERY_PLANNED,
    Status.UNDER_WAY,
    Status.ANNOUNCED,
    Status.UNKNOWN,
)
STATUS_CHOICES_KNOWN: Final = (*STATUS_CHOICES, Status.DELIVERED)

LOGEMENTS_PUBLISHED: Final = "publié"
LOGEMENTS_FROM_MIX: Final = "somme du financement"
LOGEMENTS_FROM_TYPOLOGY: Final = "somme de la typologie"
LOGEMENTS_RANGE: Final = "fourchette"
