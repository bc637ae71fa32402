"""The staff area, ``/gestion``: log in, download the data as a workbook, upload it changed, read the report,
preview the change, publish it, see the history, compare and restore versions. Public pages stay open; every
route here refuses a request without a valid session."""

from typing import Any

from dashboard.endpoints.staff import routes, viewing
from dashboard.endpoints.staff.area import Area, live_state_dir, prepare

__all__ = ["Area", "live_state_dir", "prepare", "register"]


def register(dash_app: Any, area: Area, get_context: Any) -> None:
    """The staff routes, and the public pages shown with a draft to the staff member who asked."""
    routes.register(dash_app, area, get_context)
    viewing.register(dash_app.server)
