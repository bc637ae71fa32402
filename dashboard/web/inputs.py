"""Values from the browser made safe to use: any type goes in, the type the callbacks expect comes out,
clamped to the data's period or kept to the known vocabularies. A forged request changes nothing else."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from dashboard.model.state import MAX_VALUES, MAX_YEAR_DIGITS, FilterSpec, View, year_range


def as_text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def as_search(value: Any) -> str:
    """A query string as ``location.search`` gives it (``""`` or ``?…``): safe after a ``/`` in a link."""
    return value if isinstance(value, str) and value.startswith("?") else ""


def as_year(value: Any, *, default: int, years: tuple[int, int] | None = None) -> int:
    """A year from a slider value (``2021``, ``2021.0``, ``"2021"``), within ``years`` when given."""
    if isinstance(value, bool):
        year = None
    elif isinstance(value, int):
        year = value
    elif isinstance(value, float) and math.isfinite(value):
        year = int(value)
    elif (
        isinstance(value, str)
        and value.isascii()
        and value.strip().isdigit()
        and len(value) <= MAX_YEAR_DIGITS
    ):
        year = int(value)
    else:
        year = None
    if year is None:
        return default
    if years is None:
        return year
    first, last = years
    return min(max(year, first), last)


def as_codes(value: Any, allowed: Collection[str] | None = None) -> tuple[str, ...]:
    """The strings of a dropdown value (a list, or one string), in order, without repeats or unknown ones."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else []
    texts = (item for item in items[:MAX_VALUES] if isinstance(item, str))
    return tuple(dict.fromkeys(item for item in texts if allowed is None or item in allowed))


def as_sort(value: Any, columns: Collection[str], default_column: str) -> dict[str, Any]:
    """``{"column": <a sortable column>, "descending": bool}`` from whatever the sort store holds."""
    value = value if isinstance(value, dict) else {}
    column = value.get("column")
    return {
        "column": column if isinstance(column, str) and column in columns else default_column,
        "descending": value.get("descending") is True,
    }


def _clicked_custom(click: Any) -> Any:
    """The customdata of a map click's first point, whatever it holds."""
    if not isinstance(click, dict) or not isinstance(click.get("points"), list) or not click["points"]:
        return None
    point = click["points"][0]
    return point.get("customdata") if isinstance(point, dict) else None


def clicked_code(click: Any) -> str | None:
    """The commune code a map click carries in its first point's customdata, if it is a string."""
    custom = _clicked_custom(click)
    code = custom[0] if isinstance(custom, list) and custom else custom
    return code if isinstance(code, str) and code else None


def clicked_operation(click: Any) -> str | None:
    """The operation id an operation's symbol carries second in its customdata (``[code, id]``: the
    commune map's markers); ``None`` for a commune's symbol or area."""
    custom = _clicked_custom(click)
    op_id = custom[1] if isinstance(custom, list) and len(custom) > 1 else None
    return op_id if isinstance(op_id, str) and op_id else None


def controls_view(
    year: Any,
    values: Mapping[str, Any],
    *,
    filters: Sequence[FilterSpec],
    presentation: bool = False,
    years: tuple[int, int] | None = None,
    vocabularies: Mapping[str, Collection[str]] | None = None,
) -> View:
    """The view the controls describe (``values``: filter key → the control's value). Without the data's
    ``years`` and ``vocabularies`` the values are only given their types."""
    default = years[1] if years else year_range([])[1]
    known = vocabularies or {}
    return View(
        year=as_year(year, default=default, years=years),
        selected={spec.key: as_codes(values.get(spec.key), known.get(spec.key)) for spec in filters},
        presentation=presentation is True,
    )
