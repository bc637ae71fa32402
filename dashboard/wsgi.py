"""Production entry point: ``gunicorn dashboard.wsgi:server`` (settings from COEUR_* variables)."""

from dashboard.app import create_app
from dashboard.settings import Settings

app = create_app(Settings.from_env())
server = app.server
