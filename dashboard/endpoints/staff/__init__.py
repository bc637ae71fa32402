"""The staff area, ``/gestion``: log in, download the data as a workbook, upload it changed, read the report,
preview the change, publish it, see the history, compare and restore versions. Public pages stay open; every
route here refuses a request without a valid session."""

from dashboard.endpoints.staff.area import Area, live_state_dir, prepare
from dashboard.endpoints.staff.routes import register

__all__ = ["Area", "live_state_dir", "prepare", "register"]
