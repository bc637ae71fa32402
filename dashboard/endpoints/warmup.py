"""A first visit played once through the WSGI app, in the gunicorn master before it forks workers.

Each worker then starts with the first-call costs of Dash, plotly and pandas already paid (lazy
imports, caches): its first visitor waits as long as the next one. Any Dash app: the callbacks are
read from ``/_dash-dependencies`` and called once with no input value, as on a first page load.
"""

from __future__ import annotations

import json
import logging
import time

import flask

ACCEPT = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # compressors warm up too
log = logging.getLogger(__name__)
# What the browser's location gives on a first visit to ``/``; every other input is unset.
FIRST_VISIT = {"pathname": "/", "search": ""}


def warm_up(server: flask.Flask) -> dict:
    """Requests made, failures (logged, never raised: a warm-up must not stop the server), seconds."""
    started = time.perf_counter()
    client = server.test_client()
    failed = 0
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        failed += client.get(path, headers=ACCEPT).status_code >= 400
    dependencies = json.loads(client.get("/_dash-dependencies").get_data() or b"[]")
    requests = 3
    for callback in dependencies:
        body = _first_call(callback)
        if body is None:
            continue
        requests += 1
        answer = client.post("/_dash-update-component", json=body, headers=ACCEPT)
        if answer.status_code >= 400:
            failed += 1
            log.warning("warm-up: %s answered %s", callback["output"][:80], answer.status_code)
    return {"requests": requests, "failed": failed, "seconds": round(time.perf_counter() - started, 2)}


def _first_call(callback: dict) -> dict | None:
    """The request a first page load sends, every input unset; None for pattern-matching ones and for
    those that run in the browser."""
    if callback.get("clientside_function"):
        return None
    dependencies = callback.get("inputs", []) + callback.get("state", [])
    if any(d["id"].startswith("{") for d in dependencies) or callback["output"].startswith("{"):
        return None
    outputs = [
        dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
        for o in callback["output"].strip(".").split("...")
    ]
    inputs = [_entry(d) for d in callback.get("inputs", [])]
    return {
        "output": callback["output"],
        "outputs": outputs if callback["output"].startswith("..") else outputs[0],
        "inputs": inputs,
        "state": [_entry(d) for d in callback.get("state", [])],
        "changedPropIds": [f"{e['id']}.{e['property']}" for e in inputs if "value" in e],
    }


def _entry(dependency: dict) -> dict:
    entry = {"id": dependency["id"], "property": dependency["property"]}
    if dependency["property"] in FIRST_VISIT:
        entry["value"] = FIRST_VISIT[dependency["property"]]
    return entry
