"""The version store on SQLite and on PostgreSQL alike: versions, their files, one winner of two publications
from the same base, the audit log, and instances on one database following one published version."""

from __future__ import annotations

import datetime
import os
import threading
from pathlib import Path

import pytest

from dashboard.endpoints.staff.area import served_version, write_served
from dashboard.store.db import Conflict, Store
from tests.staff import postgres

FILES = {"operations.csv": b"id\na\n", "sources.csv": b"source\ns\n"}


@pytest.fixture(scope="module")
def postgres_url():
    if not postgres.available():
        if os.environ.get("CI"):
            pytest.fail(
                "PostgreSQL is missing: CI must install Debian's postgresql (scripts/setup.sh --test)"
            )
        pytest.skip("PostgreSQL is not installed")
    with postgres.server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'gestion.sqlite3'}")
    made = Store(request.getfixturevalue("postgres_url"))
    with made.engine.begin() as connection:  # each test starts from an empty database
        for table in ("audit", "drafts", "version_files", "users", "versions", "sessions"):
            connection.exec_driver_sql(f"DELETE FROM {table}")
    return made


def test_versions_keep_their_files_author_note_and_parent(store):
    first = store.seed(FILES, {"operations.csv": 1})
    assert store.seed({"operations.csv": b"autre"}, {}) == first  # seeded once
    second = store.publish(
        {**FILES, "operations.csv": b"id\na\nb\n"}, first.id, "marie", "ajout de b", {}, "1 ajout"
    )
    assert [v.id for v in store.versions()] == [second.id, first.id]
    assert second.parent_id == first.id and second.author == "marie" and second.note == "ajout de b"
    assert store.files(first.id) == FILES
    assert store.files(second.id)["operations.csv"] == b"id\na\nb\n"
    assert store.head() == second


def test_the_second_publication_from_the_same_base_is_a_conflict_and_stores_nothing(store):
    base = store.seed(FILES, {})
    store.publish(FILES, base.id, "marie", "une", {}, "")
    with pytest.raises(Conflict) as raised:
        store.publish(FILES, base.id, "paul", "deux", {}, "")
    assert raised.value.head.author == "marie"
    assert len(store.versions()) == 2


def test_of_eight_simultaneous_publications_from_one_base_exactly_one_lands(store):
    base = store.seed(FILES, {})
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def attempt(number: int) -> None:
        start.wait()
        try:
            store.publish(FILES, base.id, f"personne {number}", "note", {}, "")
            outcomes.append("publiée")
        except Conflict:
            outcomes.append("conflit")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflit"] * 7 + ["publiée"]
    assert len(store.versions()) == 2


def test_refused_logins_are_counted_by_name_and_by_address(store):
    import datetime

    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    store.audit("marie", "connexion refusée", "mot de passe", "10.0.0.1")
    store.audit("paul", "connexion refusée", "mot de passe", "10.0.0.1")
    store.audit("marie", "connexion", "", "10.0.0.2")
    assert store.recent_failures(since, actor="marie") == 1
    assert store.recent_failures(since, address="10.0.0.1") == 2
    assert [e.action for e in store.audit_log()][:1] == ["connexion"]


def test_two_hosts_on_one_database_serve_the_version_published_last(store, tmp_path: Path):
    first = store.seed(FILES, {})
    other_host = Store(store.url)  # another process, another host: its own engine, its own folder
    one, two = tmp_path / "hote-1", tmp_path / "hote-2"
    for folder, db in ((one, store), (two, other_host)):
        folder.mkdir()
        head = db.head_id()
        write_served(folder, db.files(head), head)
    assert served_version(one) == served_version(two) == first.id
    new = store.publish({**FILES, "operations.csv": b"id\nz\n"}, first.id, "marie", "z", {}, "")
    head = other_host.head_id()
    write_served(two, other_host.files(head), head)
    assert served_version(two) == new.id and (two / "operations.csv").read_bytes() == b"id\nz\n"


def test_two_instances_on_one_postgresql_database_follow_one_published_version(postgres_url, tmp_path):
    from tests.staff.conftest import (
        BASE_URL,
        cell,
        log_in,
        publish,
        saved,
        staff_app,
        staff_data,
        upload,
        workbook_of,
    )

    clean = Store(postgres_url)
    with clean.engine.begin() as connection:
        for table in ("audit", "drafts", "version_files", "users", "versions", "sessions"):
            connection.exec_driver_sql(f"DELETE FROM {table}")
    data = staff_data(tmp_path / "data")
    one = staff_app(tmp_path / "hote-1", postgres_url, data=data)
    two = staff_app(tmp_path / "hote-2", postgres_url, data=data)
    client, other = one.server.test_client(), two.server.test_client()
    log_in(client)
    before = other.get("/healthz", base_url=BASE_URL).get_json()["data_version"]
    book = workbook_of(client)
    cell(book, "operations", "nom", "cambrai-rue-de-sellen").value = "Résidence des Tilleuls"
    draft = upload(client, saved(book)).headers["Location"]
    head = one.server.extensions["coeur_staff"].head()
    assert publish(client, draft, "nom de la résidence", head.id).status_code == 302
    for _ in range(200):  # each look of the second instance: follow the database, then reload the files
        now = other.get("/healthz", base_url=BASE_URL).get_json()["data_version"]
        if now != before:
            break
    assert now != before
    area = two.server.extensions["coeur_staff"]
    assert "Résidence des Tilleuls" in (area.served_dir / "operations.csv").read_text()
    assert area.served_dir != one.server.extensions["coeur_staff"].served_dir  # no folder shared


def test_a_session_is_open_until_ended_or_timed_out(store):
    idle, longest = datetime.timedelta(minutes=30), datetime.timedelta(hours=10)
    one, two = store.open_session("marie"), store.open_session("paul")
    assert one != two and store.session_user(one, idle=idle, longest=longest) == "marie"
    store.end_session(one, "déconnexion")
    assert store.session_user(one, idle=idle, longest=longest) is None
    assert store.session_user(two, idle=idle, longest=longest) == "paul"
    assert store.session_user(two, idle=datetime.timedelta(0), longest=longest) is None  # unused too long
    assert store.session_user(two, idle=idle, longest=longest) is None  # and ended for good
    assert store.session_user("un-jeton-inventé", idle=idle, longest=longest) is None
    assert store.forget_sessions(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1)) == 2
