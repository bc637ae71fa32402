"""Run-time settings: where the data is, where to listen. Built from the command line or the environment."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dashboard.data.perimeter import Perimeter, check

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / "data"
ASSETS_DIR = REPO_ROOT / "assets"


def default_state_dir(data_dir: Path) -> Path:
    """``$XDG_STATE_HOME/coeur-de-ville/<hash of the data folder's path>``: shared by every instance that
    serves the same folder on this host, private to the user that runs them."""
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    key = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    return base / "coeur-de-ville" / key


@dataclass(frozen=True)
class StaffSettings:
    """The staff area's login and storage (README, « Pour l'exploitant »)."""

    # SQLAlchemy URL: "" is SQLite in the state folder; postgresql+psycopg://… for several hosts.
    database_url: str = ""
    # Signs the session cookies; "" is a key generated once in the state folder (one host only).
    secret_key: str = ""
    # OpenID Connect: the provider's issuer URL, this client's id and secret; who may enter (groups claimed
    # by the provider, or addresses). No issuer: local accounts only (python -m dashboard add-user).
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_groups: tuple[str, ...] = ()
    oidc_emails: tuple[str, ...] = ()
    oidc_groups_claim: str = "groups"
    session_minutes: int = 30  # without a request, a session ends after this long
    secure_cookies: bool = True  # False only for a test over plain HTTP on another name than localhost

    @classmethod
    def from_env(cls, *, force: bool = False) -> StaffSettings | None:
        """The staff settings of the environment, if ``COEUR_STAFF=1`` (or ``force``)."""
        if os.environ.get("COEUR_STAFF") != "1" and not force:
            return None
        return cls(
            database_url=os.environ.get("COEUR_DATABASE_URL", "").strip(),
            secret_key=os.environ.get("COEUR_SECRET_KEY", "").strip(),
            oidc_issuer=os.environ.get("COEUR_OIDC_ISSUER", "").strip(),
            oidc_client_id=os.environ.get("COEUR_OIDC_CLIENT_ID", "").strip(),
            oidc_client_secret=os.environ.get("COEUR_OIDC_CLIENT_SECRET", "").strip(),
            oidc_groups=tuple(os.environ.get("COEUR_OIDC_GROUPS", "").split()),
            oidc_emails=tuple(os.environ.get("COEUR_OIDC_EMAILS", "").lower().split()),
            oidc_groups_claim=os.environ.get("COEUR_OIDC_GROUPS_CLAIM", "groups").strip() or "groups",
            session_minutes=int(os.environ.get("COEUR_SESSION_MINUTES", "30")),
        )


@dataclass(frozen=True)
class Settings:
    """Everything ``create_app`` needs to know about its surroundings."""

    data_dir: Path = DEFAULT_DATA_DIR
    # Regions or départements shown, prepared from the national reference (dashboard.data.perimeter);
    # None: the data folder's own outlines (Hauts-de-France for the shipped data).
    perimeter: Perimeter | None = None
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    # Origins allowed to embed the dashboard in a frame ('self' always is).
    frame_ancestors: tuple[str, ...] = field(default_factory=tuple)
    # Where "Signaler une erreur" links point ({id} is replaced by the operation id); no link when empty.
    report_url: str = ""
    # Live data: how often the server looks at the data files' stat, and how often open pages ask for news.
    reload_check_seconds: float = 2.0
    reload_settle_seconds: float = (
        5.0  # see dashboard.versions.live: how long a new version must stay unchanged
    )
    poll_seconds: float = 10.0
    # Where the accepted version of the data is kept for every worker and instance (versions.accepted);
    # None: nowhere shared (a single process, tests).
    state_dir: Path | None = None
    # Accept without confirmation a version that removes operations (dashboard.data.vetting.removals).
    allow_shrink: bool = False
    # The staff area (/gestion, dashboard.endpoints.staff): off unless asked for; when on, the data served is
    # the version published last in its database, the data folder being the first version.
    staff: StaffSettings | None = None

    # The site's public address (https://host[:port]), for every absolute URL: link previews, QR codes,
    # embed snippets. Empty: the address a request reached (development; its Host header is the client's).
    public_url: str = ""
    # Reverse proxies in front whose X-Forwarded-For and X-Forwarded-Proto are trusted (werkzeug's ProxyFix):
    # 1 behind the supported nginx (scripts/serve-production.sh); 0 (none trusted) otherwise.
    trusted_proxies: int = 0

    @property
    def staff_dir(self) -> Path:
        """Where the staff area keeps its SQLite database, secret key and the published version's files."""
        return (self.state_dir or default_state_dir(self.data_dir)) / "gestion"

    @classmethod
    def from_env(cls) -> Settings:
        """Settings for a server started without a command line (gunicorn)."""
        ancestors = tuple(os.environ.get("COEUR_FRAME_ANCESTORS", "").split())
        data_dir = Path(os.environ.get("COEUR_DATA_DIR", DEFAULT_DATA_DIR))
        perimeter = os.environ.get("COEUR_PERIMETER", "").strip()
        return cls(
            data_dir=data_dir,
            perimeter=check(perimeter) if perimeter else None,
            state_dir=Path(os.environ.get("COEUR_STATE_DIR") or default_state_dir(data_dir)),
            allow_shrink=os.environ.get("COEUR_ALLOW_SHRINK") == "1",
            debug=os.environ.get("COEUR_DEBUG") == "1",
            frame_ancestors=ancestors,
            report_url=os.environ.get("COEUR_REPORT_URL", "").strip(),
            staff=StaffSettings.from_env(),
            public_url=public_url(os.environ.get("COEUR_PUBLIC_URL", "")),
            trusted_proxies=int(os.environ.get("COEUR_TRUSTED_PROXIES") or 0),
        )


def public_url(value: str) -> str:
    """``https://host[:port]`` as given, without a trailing slash; ``ValueError`` (French) otherwise."""
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
    ):
        raise ValueError(f"adresse publique invalide « {value[:80]} » : attendu https://hote[:port]")
    return value
