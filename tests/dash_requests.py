"""Callback requests built as Dash's renderer sends them, from the app's own callback map."""

from __future__ import annotations

import json
from typing import Any

from dashboard.web import components
from dashboard.web.ids import Region, Shell

CALLBACK_URL = "/_dash-update-component"
UNSET = object()
ROW = "compiegne-rue-d-amiens"  # an operation of the shipped data: the row a MATCH callback answers for


def outputs_of(output: str) -> list[dict] | dict:
    """``{"id", "property"}`` of each output named in a callback key (``..a.b...c.d..`` or ``a.b@hash``)."""
    if output.startswith(".."):
        parts = output[2:-2].split("...")
        return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]
    return dict(zip(("id", "property"), output.rsplit(".", 1), strict=True))


def pattern_ids(spec_id: str) -> list[dict]:
    """The components a pattern-matching input matches in our pages (the table's sort buttons)."""
    pattern = json.loads(spec_id)
    if pattern.get("type") == Region.SORT_BUTTON:
        return [{"column": column, "type": Region.SORT_BUTTON} for column in sorted(components.SORTABLE)]
    if pattern.get("type") == Shell.PNG_BUTTON:
        return [
            {"graph": graph, "type": Shell.PNG_BUTTON} for graph in (Region.MAP, Region.MIX, Region.TIMELINE)
        ]
    if pattern.get("type") == Region.ROW_OPEN:
        return [{"op": ROW, "type": Region.ROW_OPEN}]
    raise KeyError(f"no components known for {spec_id}")


def matched(spec_id: str) -> dict:
    """The one component a MATCH pattern stands for in a request: the row ``ROW``'s."""
    return {"op": ROW, "type": json.loads(spec_id)["type"]}


def entries(declared: list[dict], values: dict[str, Any]) -> list:
    """Inputs or state as sent: ``values`` maps ``"id.property"`` to a value; missing means unset."""
    sent: list = []
    for spec in declared:
        key = f"{spec['id']}.{spec['property']}"
        if '["MATCH"]' in spec["id"]:  # the renderer sends the one component matched, with its value
            sent.append({"id": matched(spec["id"]), "property": spec["property"], "value": 1})
            continue
        if spec["id"].startswith("{"):
            sent.append(
                [{"id": component, "property": spec["property"]} for component in pattern_ids(spec["id"])]
            )
            continue
        entry: dict[str, Any] = {"id": spec["id"], "property": spec["property"]}
        value = values.get(key, UNSET)
        if value is not UNSET:
            entry["value"] = value
        sent.append(entry)
    return sent


def callback_body(
    app, output: str, values: dict[str, Any] | None = None, changed: list[str] | None = None
) -> dict:
    spec = app.callback_map[output]
    values = values or {}
    outputs = outputs_of(output)
    for item in outputs if isinstance(outputs, list) else [outputs]:
        if '["MATCH"]' in item["id"]:
            item["id"] = matched(item["id"])
    body = {
        "output": output,
        "outputs": outputs,
        "inputs": entries(spec["inputs"], values),
        "changedPropIds": changed if changed is not None else [k for k in values if k in _input_keys(spec)],
    }
    if spec["state"]:
        body["state"] = entries(spec["state"], values)
    return body


def _input_keys(spec: dict) -> set[str]:
    return {f"{dep['id']}.{dep['property']}" for dep in spec["inputs"]}


def find_output(app, starts_with: str) -> str:
    """The callback key whose first output is ``starts_with`` (``"region-table.children"``)."""
    for key in app.callback_map:
        if key.lstrip(".").startswith(starts_with):
            return key
    raise KeyError(starts_with)


def find_callback(app, input_key: str) -> str:
    """The key of the server callback that takes ``input_key`` (``"region-map.clickData"``) as an input."""
    for key, spec in app.callback_map.items():
        if spec.get("callback") is not None and input_key in _input_keys(spec):
            return key
    raise KeyError(input_key)
