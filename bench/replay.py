"""Replay the callback requests of a year change against a server, one at a time, as the browser sent
them (same body, same Accept-Encoding): time until the last byte, and bytes of the body as sent."""

from __future__ import annotations

import copy
import http.client
import json
import statistics
import time
from urllib.parse import urlsplit

BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium 156 announces
YEAR_ID = "ctl-year"


def with_year(body: dict, year: int) -> dict:
    """The same request for another year (the slider's value wherever it is an input)."""
    changed = copy.deepcopy(body)
    for item in changed.get("inputs", []):
        if isinstance(item, dict) and item.get("id") == YEAR_ID and item.get("value") is not None:
            item["value"] = year
    return changed


def as_full_update(captured: list[dict]) -> list[dict]:
    """The same requests as if every control had changed (a filter, a page load): nothing can be kept."""
    full = []
    for record in captured:
        body = json.loads(record["body"])
        if body.get("changedPropIds") and any(
            isinstance(i, dict) and i.get("id") == YEAR_ID for i in body["inputs"]
        ):
            body["changedPropIds"] = [
                f"{i['id']}.{i['property']}"
                for i in body["inputs"]
                if isinstance(i, dict) and str(i.get("id", "")).startswith("ctl-")
            ]
        full.append({**record, "body": json.dumps(body)})
    return full


def post(
    connection: http.client.HTTPConnection, path: str, body: bytes, accept: str
) -> tuple[float, int, int]:
    """Milliseconds to the last byte, body bytes as sent, status."""
    headers = {"Content-Type": "application/json", "Accept": "application/json", "Accept-Encoding": accept}
    started = time.perf_counter()
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read()  # http.client does not decode: these are the bytes as sent
    elapsed = (time.perf_counter() - started) * 1000
    if response.status not in (200, 204):
        raise RuntimeError(f"{path}: HTTP {response.status}: {payload[:300]!r}")
    return elapsed, len(payload), response.status


def replay(
    base_url: str,
    captured: list[dict],
    *,
    repeats: int,
    years: list[int],
    computed: bool = False,
    warm: int = 1,
    start: int = 0,
) -> dict:
    """Each repeat sends every captured request in order (one year change); the year cycles through
    ``years`` so that no two consecutive repeats ask for the same view.

    A year step asked again is answered from the app's cache of the version (endpoints/versioncache.py).
    ``computed``: every request is made new to that cache (a query parameter the callback route ignores,
    but the cache's key holds), so each one is computed: the time of a view nobody asked before. The first
    ``warm`` repeats are not counted. ``start``: the repeats are numbered from it (their year and their mark
    to the cache), for replays made in turns with another server's (``combine``)."""
    accept = next(
        (r["headers"].get("accept-encoding") for r in captured if r["headers"].get("accept-encoding")),
        BROWSER_ACCEPT_ENCODING,
    )
    bodies = [json.loads(r["body"]) for r in captured]
    paths = [
        urlsplit(r["url"]).path + (f"?{urlsplit(r['url']).query}" if urlsplit(r["url"]).query else "")
        for r in captured
    ]
    host = urlsplit(base_url)
    totals, sizes = [], []
    per_request: list[list[float]] = [[] for _ in captured]
    per_request_bytes = [0] * len(captured)
    for repeat in range(start, start + repeats + warm):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
        year = years[repeat % len(years)]
        total_ms, total_bytes = 0.0, 0
        for index, (path, body) in enumerate(zip(paths, bodies, strict=True)):
            data = json.dumps(with_year(body, year)).encode()
            if computed:
                path = f"{path}{'&' if '?' in path else '?'}mesure={repeat}-{index}"
            elapsed, size, _ = post(connection, path, data, accept)
            total_ms += elapsed
            total_bytes += size
            if repeat >= start + warm:
                per_request[index].append(elapsed)
                per_request_bytes[index] = size
            if connection.sock is None:  # the server closed it (sync workers do)
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
        connection.close()
        if repeat >= start + warm:
            totals.append(total_ms)
            sizes.append(total_bytes)
    return {
        "requests": len(captured),
        "accept_encoding": accept,
        "bytes": int(statistics.median(sizes)),
        "ms": round(statistics.median(totals), 1),
        "p95_ms": round(percentile(totals, 95), 1),
        "max_ms": round(max(totals), 1),
        "repeats": repeats,
        "per_request": [
            {
                "output": body.get("output", "")[:90],
                "median_ms": round(statistics.median(times), 1),
                "bytes": size,
            }
            for body, times, size in zip(bodies, per_request, per_request_bytes, strict=True)
        ],
    }


def combine(replays: list[dict]) -> dict:
    """Replays of one repeat each (made in turns with another server's) as one ``replay``'s result."""
    totals = [result["ms"] for result in replays]
    first = replays[0]
    return {
        **first,
        "bytes": int(statistics.median(result["bytes"] for result in replays)),
        "ms": round(statistics.median(totals), 1),
        "p95_ms": round(percentile(totals, 95), 1),
        "max_ms": round(max(totals), 1),
        "repeats": len(replays),
        "per_request": [
            {**request, "median_ms": round(statistics.median(times), 1)}
            for request, times in zip(
                first["per_request"],
                zip(*[[r["median_ms"] for r in result["per_request"]] for result in replays], strict=True),
                strict=True,
            )
        ],
    }


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: one of the values measured)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]
