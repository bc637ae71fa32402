"""A staff area over a copy of the shipped data, with a local account, driven by Flask's test client."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from dashboard.app import create_app
from dashboard.endpoints.staff.auth import hash_password
from dashboard.settings import Settings, StaffSettings
from tests.conftest import REAL_DATA

USER, PASSWORD = "marie.dupont", "un mot de passe assez long"
BASE_URL = "https://localhost"  # the session cookie is Secure


def staff_data(folder: Path) -> Path:
    """The shipped tables copied, the heavy reference files linked."""
    folder.mkdir(parents=True)
    for path in REAL_DATA.iterdir():
        if path.suffix == ".csv" or path.name == "metadata.json":
            shutil.copy(path, folder / path.name)
        else:
            (folder / path.name).symlink_to(path.resolve())
    return folder


def staff_app(root: Path, database_url: str = "", data: Path | None = None):
    settings = Settings(
        data_dir=data or staff_data(root / "data"),
        state_dir=root / "state",
        staff=StaffSettings(database_url=database_url, secret_key="clé de test " * 4),
        reload_check_seconds=0.0,
        reload_settle_seconds=0.0,
    )
    app = create_app(settings)
    app.server.extensions["coeur_staff"].store.set_user(USER, hash_password(PASSWORD))
    return app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return staff_app(tmp_path_factory.mktemp("staff"))


@pytest.fixture
def area(app):
    return app.server.extensions["coeur_staff"]


@pytest.fixture
def anonymous(app):
    return app.server.test_client()


def csrf_of(client, path: str = "/gestion/connexion") -> str:
    page = client.get(path, base_url=BASE_URL).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def log_in(client, user: str = USER, password: str = PASSWORD):
    token = csrf_of(client)
    return client.post(
        "/gestion/connexion",
        data={"csrf": token, "identifiant": user, "mot_de_passe": password},
        base_url=BASE_URL,
    )


@pytest.fixture
def staff(app):
    client = app.server.test_client()
    assert log_in(client).status_code == 302
    return client


def workbook_of(client, version: int | None = None) -> openpyxl.Workbook:
    path = "/gestion/classeur.xlsx" + (f"?version={version}" if version else "")
    response = client.get(path, base_url=BASE_URL)
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.data))


def saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, body: bytes, name: str = "classeur.xlsx"):
    token = csrf_of(client, "/gestion/")
    return client.post(
        "/gestion/depot",
        data={"csrf": token, "fichier": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
        base_url=BASE_URL,
    )


def publish(client, draft_path: str, note: str, seen: int, removals: tuple[str, ...] = ()):
    token = csrf_of(client, draft_path)
    data = {"csrf": token, "note": note, "version_vue": str(seen), "supprimer": list(removals)}
    return client.post(f"{draft_path}/publier", data=data, base_url=BASE_URL)


def cell(book: openpyxl.Workbook, sheet: str, column: str, key: str) -> openpyxl.cell.cell.Cell:
    """The cell of ``column`` on the row whose first cell is ``key``."""
    rows = list(book[sheet].iter_rows())
    letter = next(c.column_letter for c in rows[0] if c.value == column)
    row = next(r for r in rows[1:] if r[0].value == key)
    return book[sheet][f"{letter}{row[0].row}"]
