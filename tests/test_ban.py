"""The client of the BAN batch endpoint: the form it sends and how it tries again."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from dashboard.tools import ban
from tests.fake_ban import ANSWER, FakeBan, Step, failing, local_and_recorded

UPLOAD = b"ligne,adresse,commune,code_insee\n2,49 Rue Carnot,Beauvais,60057\n"
FAST = ban.Policy(timeout=0.5, retries=2, backoff=0.01)


@pytest.fixture(autouse=True)
def waits(monkeypatch):
    return local_and_recorded(monkeypatch)


def search(url: str) -> bytes:
    return ban.search_csv(url, UPLOAD, columns=("adresse", "commune"), citycode="code_insee", policy=FAST)


def test_the_answer_has_the_columns_sent_then_the_result_columns_asked():
    with FakeBan() as service:
        answer = search(service.url).decode()
    assert answer.splitlines() == [
        "ligne,adresse,commune,code_insee," + ",".join(ban.RESULT_COLUMNS),
        "2,49 Rue Carnot,Beauvais,60057,49.432234,2.084133,49 Rue Carnot 60000 Beauvais,0.9712,housenumber,"
        "60057_0700_00049,60057,ok",
    ]
    assert service.received[0].filename == "adresses.csv"


def test_a_connection_dropped_by_the_service_is_tried_again_not_taken_for_no_network(waits):
    with FakeBan(Step(hang_up=True), ANSWER) as service:
        assert search(service.url)
    assert len(service.received) == 2 and waits == [0.01]


def test_a_retry_after_of_more_than_five_minutes_stops_instead_of_waiting(waits):
    with FakeBan(failing(429, **{"Retry-After": "3600"})) as service:
        with pytest.raises(ban.ServiceError) as raised:
            search(service.url)
    assert str(raised.value) == (
        "le service demande d'attendre 3600 s "
        "(HTTP 429 : An unexpected error has occurred) : réessayer plus tard"
    )
    assert waits == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        (" 0 ", 0.0),
        ("bientôt", None),
        (format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True), 0.0),
    ],
)
def test_retry_after_is_read_in_seconds_or_as_a_date(header, expected):
    assert ban.retry_after(header) == expected


def test_retry_after_as_a_future_date_is_the_time_left():
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= ban.retry_after(format_datetime(later, usegmt=True)) <= 30


def test_the_tests_cannot_reach_the_real_service():
    with pytest.raises(ban.NoNetwork, match="impossible de joindre data.geopf.fr"):
        search(ban.DEFAULT_API_URL)


def test_a_trickling_answer_is_given_up_at_the_timeout_of_the_whole_call(waits):
    """One byte every 0.4 s would take 400 s: the call (4 tries allowed) ends at its 1 s deadline."""
    policy = ban.Policy(timeout=1.0, retries=3, backoff=0.01)
    with FakeBan(Step(trickle=0.4), Step(trickle=0.4)) as service:
        started = time.monotonic()
        with pytest.raises(ban.ServiceError, match=r"pas de réponse complète en 1 s"):
            ban.search_csv(service.url, UPLOAD, columns=("adresse",), citycode="code_insee", policy=policy)
        elapsed = time.monotonic() - started
    assert len(service.received) == 1  # one try, given up at the call's deadline (the message says 1 s)
    print(f"\n[trickle] given up after {elapsed:.2f} s with --timeout 1")


def test_a_huge_answer_is_dropped_as_it_streams_in_not_held_in_memory(waits):
    tracemalloc.start()
    try:
        with FakeBan(Step(huge_bytes=300_000_000)) as service:
            with pytest.raises(ban.ServiceError, match=r"réponse de plus de 68 Ko pour 1 ligne\(s\)"):
                search(service.url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert service.streamed and service.streamed[0] < 300_000_000
    assert peak < 20_000_000  # the 300 MB answer never accumulates
