"""The one route table's keys: what page an address is (Dash Pages draws it; the server's title, status,
first screen, preview and exports ask this module which it is)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from dashboard.web.context import Context

COMMUNE_PREFIX = "/commune/"
OPERATION_PREFIX = "/operation/"


class Kind(enum.Enum):
    REGION = enum.auto()
    COMMUNE = enum.auto()
    UNKNOWN_COMMUNE = enum.auto()  # /commune/<a code the perimeter does not hold>
    OPERATION = enum.auto()  # /operation/<id>: an operation's dated record
    UNKNOWN_OPERATION = enum.auto()
    UNKNOWN = enum.auto()  # no page of ours


@dataclass(frozen=True)
class Route:
    kind: Kind
    code: str | None = None  # a commune's page: the code of its path; an operation's: its id

    @property
    def commune(self) -> str | None:
        """The code of the commune whose page this is; ``None`` on any other page."""
        return self.code if self.kind is Kind.COMMUNE else None

    @property
    def operation(self) -> str | None:
        """The id of the operation whose page this is; ``None`` on any other page."""
        return self.code if self.kind is Kind.OPERATION else None


def route(pathname: Any, context: Context) -> Route:
    """The page at ``pathname`` (any value: the browser's, maybe forged)."""
    path = pathname or "/"
    if not isinstance(path, str):
        return Route(Kind.UNKNOWN)
    if path == "/":
        return Route(Kind.REGION)
    if path.startswith(COMMUNE_PREFIX):
        code = path[len(COMMUNE_PREFIX) :].strip("/")
        known = code in context.dataset.communes.index
        return Route(Kind.COMMUNE if known else Kind.UNKNOWN_COMMUNE, code)
    if path.startswith(OPERATION_PREFIX):
        op_id = path[len(OPERATION_PREFIX) :].strip("/")
        known = op_id in context.dataset.operations.index
        return Route(Kind.OPERATION if known else Kind.UNKNOWN_OPERATION, op_id)
    return Route(Kind.UNKNOWN)
