"""A small asyncio HTTP/1.1 load client (standard library only), for 127.0.0.1 only.

Each client repeats a visit with no pause: the page, its layout and dependencies, then the callback
requests of a year change, as a browser sends them. Bounded in time, in requests and per request.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.replay import BROWSER_ACCEPT_ENCODING, percentile, with_year

MAX_REQUESTS = 500_000
REQUEST_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    body: bytes = b""


def visit_requests(captured: list[dict], years: list[int]) -> list[list[Request]]:
    """One visit per year: page, layout, dependencies, then the year change's callback requests."""
    visits = []
    for year in years:
        visit = [
            Request("page", "GET", "/"),
            Request("layout", "GET", "/_dash-layout"),
            Request("dependencies", "GET", "/_dash-dependencies"),
        ]
        for record in captured:
            body = json.loads(record["body"])
            parts = urlsplit(record["url"])
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            visit.append(Request("callback", "POST", path, json.dumps(with_year(body, year)).encode()))
        visits.append(visit)
    return visits


async def fetch(host: str, port: int, request: Request) -> tuple[int, int]:
    """Status and bytes received (headers and body as sent); one connection per request."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = (
            f"{request.method} {request.path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
            f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}\r\nAccept: */*\r\n"
        )
        if request.body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(request.body)}\r\n"
        writer.write(head.encode() + b"\r\n" + request.body)
        await writer.drain()
        data = await reader.read(-1)  # Connection: close, so the answer ends with the connection
    finally:
        writer.close()
    status = int(data[9:12]) if data.startswith(b"HTTP/1.") else 0
    return status, len(data)


async def _run(base_url: str, visits: list[list[Request]], clients: int, duration_s: float) -> dict:
    parts = urlsplit(base_url)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    received = 0
    sent = 0
    stop_at = time.perf_counter() + duration_s

    async def client(number: int) -> None:
        nonlocal received, sent
        turn = number
        while time.perf_counter() < stop_at and sent < MAX_REQUESTS:
            for request in visits[turn % len(visits)]:
                if time.perf_counter() >= stop_at or sent >= MAX_REQUESTS:
                    return
                sent += 1
                started = time.perf_counter()
                try:
                    status, size = await asyncio.wait_for(
                        fetch(parts.hostname, parts.port, request), REQUEST_TIMEOUT_S
                    )
                except (TimeoutError, OSError) as error:
                    errors[type(error).__name__] += 1
                    continue
                latencies[request.kind].append((time.perf_counter() - started) * 1000)
                received += size
                if status not in (200, 204):
                    errors[f"HTTP {status}"] += 1
            turn += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    every = [value for values in latencies.values() for value in values]
    return {
        "clients": clients,
        "duration_s": round(elapsed, 1),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "p50_ms": round(percentile(every, 50), 1) if every else None,
        "p95_ms": round(percentile(every, 95), 1) if every else None,
        "max_ms": round(max(every), 1) if every else None,
        "p95_ms_by_kind": {kind: round(percentile(values, 95), 1) for kind, values in latencies.items()},
        "mbytes_received": round(received / 1e6, 1),
    }


def run(base_url: str, captured: list[dict], *, clients: int, duration_s: float, years: list[int]) -> dict:
    if urlsplit(base_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("load is only ever sent to this machine's loopback")
    return asyncio.run(_run(base_url, visit_requests(captured, years), clients, duration_s))
