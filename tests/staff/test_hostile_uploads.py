"""Files a spreadsheet should never bring are refused whole or cell by cell, in French, and nothing is kept
but the attempt in the audit log."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest

from dashboard.store.workbook import MAX_UPLOAD_BYTES
from tests.staff.conftest import cell, publish, saved, upload, workbook_of

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
)


def rezipped(body: bytes, change) -> bytes:
    """The workbook's archive with ``change(name, data)`` applied to each part (may add parts)."""
    source = zipfile.ZipFile(io.BytesIO(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
        if change("?extra", b"") is not None:
            name, data = change("?extra", b"")
            target.writestr(name, data)
    return out.getvalue()


def with_entities(name: str, data: bytes):
    if name == "?extra":
        return None
    if name == "xl/workbook.xml":
        return (
            data.replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', b"", 1).replace(
                b"<workbook", BILLION_LAUGHS + b"<workbook", 1
            )
            if b"<?xml" in data
            else BILLION_LAUGHS + data
        )
    return data


def with_macros(name: str, data: bytes):
    return ("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro") if name == "?extra" else data


def with_bomb(name: str, data: bytes):
    return ("xl/media/image1.png", b"\0" * (8 * 1024 * 1024)) if name == "?extra" else data


def edited(change):
    def make(client) -> bytes:
        book = workbook_of(client)
        change(book)
        return saved(book)

    return make


def set_cell(column: str, value):
    def change(book):
        cell(book, "operations", column, "cambrai-rue-de-sellen").value = value

    return change


def merge(book):
    book["operations"].merge_cells("E3:F3")


def formula(book):
    target = cell(book, "operations", "logements", "cambrai-rue-de-sellen")
    target.value = "=10+1"


CASES = [
    ("macros by name", lambda c: saved(workbook_of(c)), "classeur.xlsm", "classeur avec macros refusé"),
    (
        "macros inside",
        lambda c: rezipped(saved(workbook_of(c)), with_macros),
        "classeur.xlsx",
        "avec macros refusé",
    ),
    (
        "zip bomb",
        lambda c: rezipped(saved(workbook_of(c)), with_bomb),
        "classeur.xlsx",
        "bombe de décompression",
    ),
    (
        "xml entities",
        lambda c: rezipped(saved(workbook_of(c)), with_entities),
        "classeur.xlsx",
        "déclarations XML",
    ),
    ("damaged archive", lambda c: b"PK\x03\x04" + b"\x00" * 200, "classeur.xlsx", "classeur illisible"),
    ("not a workbook", lambda c: b"%PDF-1.4", "rapport.pdf", "fichier non reconnu"),
    ("old excel", lambda c: b"\xd0\xcf\x11\xe0", "classeur.xls", "format non pris en charge"),
    ("unknown csv", lambda c: b"id\nx\n", "export.csv", "fichier CSV inconnu"),
    ("formula", edited(formula), "classeur.xlsx", "formule « =10+1 » : les formules ne sont pas lues"),
    ("merged cells", edited(merge), "classeur.xlsx", "cellules fusionnées (E3:F3)"),
    (
        "excel serial date",
        edited(set_cell("livraison", 44197)),
        "classeur.xlsx",
        "numéro de série de date Excel (le 2021-01-01 ?)",
    ),
    (
        "date cell",
        edited(set_cell("livraison", datetime.datetime(2022, 3, 1))),
        "classeur.xlsx",
        "« 2022-03-01 » : cellule au format date, le tableur a pu compléter le jour",
    ),
    ("date as text", edited(set_cell("livraison", "01/03/2022")), "classeur.xlsx", "« 01/03/2022 »"),
    ("lost leading zero", edited(set_cell("code_insee", 2691)), "classeur.xlsx", "zéro initial perdu"),
]


@pytest.mark.parametrize(("make", "name", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_hostile_upload_is_refused_in_french_and_nothing_is_kept(staff, area, make, name, message):
    body = make(staff)
    versions, drafts = len(area.store.versions()), area.store.draft_count()
    response = upload(staff, body, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[-1500:]
    assert message in page.replace("&#39;", "'").replace("&lt;", "<")
    assert (len(area.store.versions()), area.store.draft_count()) == (versions, drafts)
    entry = area.store.audit_log()[0]
    assert entry.action == "dépôt refusé" and name in entry.detail


def test_an_upload_over_the_limit_is_refused_before_it_is_read(staff, area):
    drafts = area.store.draft_count()
    response = upload(staff, b"PK\x03\x04" + b"\0" * MAX_UPLOAD_BYTES * 2)
    assert response.status_code == 413
    assert "fichier trop gros : au plus 20 Mo" in response.get_data(as_text=True)
    assert area.store.draft_count() == drafts
    assert area.store.audit_log()[0].action == "dépôt refusé"


def test_a_text_that_looks_like_a_formula_stays_a_text_in_the_next_download(staff, area):
    book = workbook_of(staff)
    target = cell(book, "operations", "remarques", "cambrai-rue-de-sellen")
    target.value = '=HYPERLINK("http://exemple.invalid")'
    target.data_type = "s"  # typed as text, as a person would with a leading apostrophe
    draft = upload(staff, saved(book)).headers["Location"]
    assert publish(staff, draft, "remarque", area.head().id).status_code == 302
    again = cell(workbook_of(staff), "operations", "remarques", "cambrai-rue-de-sellen")
    assert again.value == '=HYPERLINK("http://exemple.invalid")' and again.data_type == "s"
