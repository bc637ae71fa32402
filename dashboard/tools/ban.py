"""Thin client of the batch endpoint of the national address base geocoder (BAN, IGN Géoplateforme).

The endpoint, as checked in the service's source (github.com/livingdata-co/gpf-geocodeur:
``api/router.js``, ``api/csv/index.js``, ``api/csv/params.js``, ``api/csv/results.js``,
``api/csv/parse.js``, ``lib/error-handler.js``) and on IGN's page
geoservices.ign.fr/documentation/services/services-geoplateforme/geocodage:

- ``POST {base}/search/csv``, base ``https://data.geopf.fr/geocodage`` (formerly
  ``api-adresse.data.gouv.fr``, whose ``/search/csv/`` took the same form).
- ``multipart/form-data`` fields: ``data`` the CSV file (header line first; separator and
  line ending are guessed and reused in the answer); ``columns``, repeated, the columns
  joined with spaces into the searched text (all columns if none); ``citycode`` (likewise
  ``postcode``, ``lat``, ``lon``) the *name of the column* holding each row's filter value;
  ``result_columns``, repeated, the result columns to keep, in that order.
- Answer ``200 text/csv`` in UTF-8, one row per row sent and in the same order: every
  column sent, then the result columns. By default (address index): ``result_index``,
  ``latitude``, ``longitude``, ``result_label``, ``result_score``, ``result_score_next``,
  ``result_type`` (``housenumber``, ``street``, ``locality``, ``municipality``),
  ``result_id``, ``result_housenumber``, ``result_name``, ``result_street``,
  ``result_postcode``, ``result_city``, ``result_context``, ``result_citycode``,
  ``result_oldcitycode``, ``result_oldcity``, ``result_district``, ``result_importance``,
  ``result_x``, ``result_y``, ``result_status`` (``ok``, ``not-found``, ``skipped`` when the
  text is shorter than 3 characters, ``error``). A sent column named like a result column
  (``latitude``…) is overwritten in place: send none.
- Errors are JSON ``{"code", "message"}``: 400 for a missing file, an unknown column, more
  than 200,000 rows or a file over 50 MB. The service allows 50 requests/s and answers 429
  beyond; a proxy in front of it may answer 413, 429, 502, 503 or 504.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import sleep
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import NewConnectionError

DEFAULT_API_URL = "https://data.geopf.fr/geocodage"
SEARCH_CSV = "/search/csv"

LATITUDE = "latitude"
LONGITUDE = "longitude"
LABEL = "result_label"
SCORE = "result_score"
TYPE = "result_type"
ID = "result_id"
CITYCODE = "result_citycode"
STATUS = "result_status"
RESULT_COLUMNS = (LATITUDE, LONGITUDE, LABEL, SCORE, TYPE, ID, CITYCODE, STATUS)

TYPE_HOUSENUMBER = "housenumber"
TYPE_STREET = "street"
STATUS_OK = "ok"

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
TOO_LARGE = 413
MAX_WAIT_S = 300.0  # a longer Retry-After means "come back later", not "hold on"
CONNECT_TIMEOUT_S = 10.0
MAX_REDIRECTS = 3  # on the service's own host; never to another one
LATER = "réessayer plus tard"
# An answer row repeats the row sent (a line number, an address, a commune, a code) and adds eight result
# columns: a few hundred bytes. Beyond this many per row sent, the answer is not the CSV asked for; it is
# dropped as it arrives, never held whole in memory.
MAX_ANSWER_BYTES_PER_ROW = 4096
MAX_ANSWER_SLACK = 64 * 1024  # the header line, an error page
CHUNK_BYTES = 64 * 1024


class ServiceError(Exception):
    """The service was reached but gave no usable answer; the message is for a person."""


class NoNetwork(Exception):
    """The service could not be reached at all (no route, refused, unknown host)."""


@dataclass(frozen=True)
class Policy:
    """How long one call may take, every try and wait included, and how to try again."""

    timeout: float = 60.0
    retries: int = 3
    backoff: float = 1.0  # first wait in seconds, doubled at each further try


@dataclass(frozen=True)
class Answer:
    status_code: int
    headers: Mapping[str, str]
    body: bytes


class _TooLarge(Exception):
    pass


class _TooLate(Exception):
    pass


def answer_cap(rows: int) -> int:
    return MAX_ANSWER_SLACK + MAX_ANSWER_BYTES_PER_ROW * rows


def search_csv(
    api_url: str, upload: bytes, *, columns: Sequence[str], citycode: str, policy: Policy, rows: int = 1
) -> bytes:
    """The answer of ``/search/csv`` for ``upload`` (``rows`` rows), trying again on 429, 5xx and broken
    connections; the whole call, every try and wait included, ends within ``policy.timeout``."""
    url = api_url.rstrip("/") + SEARCH_CSV
    form = [("columns", column) for column in columns] + [("citycode", citycode)]
    form += [("result_columns", column) for column in RESULT_COLUMNS]
    deadline = time.monotonic() + policy.timeout
    late = f"pas de réponse complète en {policy.timeout:g} s"
    problem = ""
    for attempt in range(policy.retries + 1):
        wait = None
        try:
            response = _exchange(url, form, upload, deadline - time.monotonic(), answer_cap(rows))
        except (_TooLate, requests.Timeout):
            raise ServiceError(f"le service ne répond pas ({late}) : {LATER}") from None
        except _TooLarge:
            raise ServiceError(
                f"réponse de plus de {answer_cap(rows) // 1024} Ko pour {rows} ligne(s) : pas le CSV attendu"
            ) from None
        except requests.exceptions.SSLError as error:
            raise ServiceError(f"connexion sécurisée impossible avec {_host(url)} : {error}") from error
        except requests.ConnectionError as error:
            if _could_not_connect(error):
                raise NoNetwork(f"pas de réseau : impossible de joindre {_host(url)}") from error
            problem = "connexion interrompue"
        except requests.RequestException as error:
            raise ServiceError(f"requête impossible vers {url} : {error}") from error
        else:
            if response.status_code == 200:
                return response.body
            if response.status_code == TOO_LARGE:
                raise ServiceError("lot trop gros pour le service (HTTP 413) : réduire --batch-size")
            problem = f"HTTP {response.status_code}{_message(response)}"
            if response.status_code not in RETRIED_STATUSES:
                raise ServiceError(f"le service a refusé la requête ({problem})")
            wait = retry_after(response.headers.get("Retry-After"))
        if attempt == policy.retries:
            break
        delay = policy.backoff * 2**attempt if wait is None else wait
        if delay > MAX_WAIT_S:
            raise ServiceError(f"le service demande d'attendre {delay:.0f} s ({problem}) : {LATER}")
        if time.monotonic() + delay >= deadline:
            raise ServiceError(f"le service ne répond pas ({problem}, puis {late}) : {LATER}")
        sleep(delay)
    raise ServiceError(f"le service ne répond pas ({problem}, {policy.retries + 1} essai(s)) : {LATER}")


def _exchange(url: str, form: list, upload: bytes, seconds: float, cap: int) -> Answer:
    """One request, its answer read as it streams in and dropped past ``cap`` bytes, the whole exchange
    within ``seconds``: it runs in a thread given up at the deadline (a server sending a byte now and then
    never trips a read timeout)."""
    if seconds <= 0:
        raise _TooLate
    outcome: dict[str, object] = {}

    def exchange() -> None:
        try:
            target = url
            for _ in range(MAX_REDIRECTS + 1):
                response = requests.post(
                    target,
                    data=form,
                    files={"data": ("adresses.csv", upload, "text/csv")},
                    timeout=(min(CONNECT_TIMEOUT_S, seconds), seconds),
                    stream=True,
                    allow_redirects=False,  # followed below, on the same host only
                )
                if not response.is_redirect:
                    break
                response.close()
                target = urljoin(target, response.headers["Location"])
                if _host(target) != _host(url) or urlsplit(target).scheme != urlsplit(url).scheme:
                    raise ServiceError(
                        f"le service renvoie vers un autre hôte ({_host(target)[:80]}) : refusé"
                    )
            else:
                raise ServiceError(f"le service renvoie d'adresse en adresse (plus de {MAX_REDIRECTS} fois)")
            with response:
                outcome["response"] = response
                body = bytearray()
                for chunk in response.iter_content(CHUNK_BYTES):
                    body += chunk
                    if len(body) > cap:
                        raise _TooLarge
                outcome["answer"] = Answer(response.status_code, response.headers, bytes(body))
        except Exception as error:  # handed over to the caller's thread, raised there
            outcome["error"] = error

    worker = threading.Thread(target=exchange, name="ban-exchange", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        _hang_up(outcome.get("response"))
        raise _TooLate
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["answer"]  # type: ignore[return-value]


def _hang_up(response: object) -> None:
    """Shut the socket of an answer still being read in another thread: its read ends at once. (Closing
    the response instead would wait for that read, which holds the stream's lock.)"""
    connection = getattr(getattr(response, "raw", None), "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date), ``None`` if absent."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _could_not_connect(error: requests.ConnectionError) -> bool:
    """True when no connection was made (refused, no route, unknown host), not when one broke."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _message(response: Answer) -> str:
    content_type = response.headers.get("Content-Type", "")
    try:
        message = str(json.loads(response.body).get("message", ""))
    except (ValueError, AttributeError):
        message = response.body.decode("utf-8", "replace") if "text/plain" in content_type else ""
    message = " ".join(message.split())[:200]
    return f" : {message}" if message else ""
