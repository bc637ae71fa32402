"""bench/visits.py: the addresses of a visitor mix, each answered by the app."""

from __future__ import annotations

import pytest

from bench import visits
from tests import synthetic


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("visits")
    synthetic.write_data_dir(folder, 300)
    return folder


def test_the_mix_holds_more_addresses_than_a_worker_keeps_pages_of(data_dir) -> None:
    from dashboard.app import FIRST_PAGES_KEPT

    paths = visits.addresses(data_dir, (2018, 2027))
    assert len(paths) == len(set(paths)) > FIRST_PAGES_KEPT
    assert sum(p.startswith("/commune/") for p in paths) == visits.COMMUNES
    assert {p for p in paths if "&" not in p and p.startswith("/?")} == {
        f"/?annee={y}" for y in range(2018, 2028)
    }
    assert sum("&dep=" in p for p in paths) == 10 * visits.DEPARTEMENTS
    assert sum("&programme=" in p for p in paths) == 20


def test_every_address_of_the_mix_is_a_page_of_the_data(data_dir) -> None:
    from dashboard.app import create_app
    from dashboard.settings import Settings

    app = create_app(Settings(data_dir=data_dir))
    years = app.server.extensions["coeur_live"].get().lookups.years
    client = app.server.test_client()
    paths = visits.addresses(data_dir, years)
    for path in paths[:: max(1, len(paths) // 12)] + paths[-3:]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert b'id="first-page"' in answer.data, path  # drawn and written, hence kept
