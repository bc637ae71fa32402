"""Who may enter the staff area: OpenID Connect (Authlib) and local accounts (argon2 hashes), a session kept
in the database, named by a token in a signed cookie (Secure, HttpOnly, SameSite=Lax), that ends on logout or
after a while without use for every copy of the cookie, and a CSRF token checked on every state-changing
request."""

from __future__ import annotations

import datetime
import hmac
import secrets
from typing import Any

import flask
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.settings import StaffSettings
from dashboard.store.db import Store

TOKEN = "gestion_jeton"  # the session's token; the database knows whose it is and whether it is still open
CSRF = "gestion_csrf"
VIEW = "gestion_vue"  # « brouillon:12 » or « version:5 »: what the public pages show this person (viewing.py)
MAX_FAILURES = 5  # refused logins for one name…
MAX_ADDRESS_FAILURES = 20  # …or from one address (several people behind one proxy)…
FAILURE_WINDOW = datetime.timedelta(minutes=15)  # …within this long, before any attempt is refused
MAX_SESSION = datetime.timedelta(hours=10)  # even with use, a session ends after a working day
COOKIE = "coeur_gestion"
HASHER = PasswordHasher()
_DUMMY = HASHER.hash("compte-inexistant")  # an unknown name costs the same time as a wrong password
TOO_MANY = "trop de tentatives de connexion refusées : réessayer dans un quart d'heure"
REFUSED = "identifiant ou mot de passe incorrect"


def configure(server: flask.Flask, staff: StaffSettings, key: str) -> None:
    server.secret_key = key
    server.config.update(
        SESSION_COOKIE_NAME=COOKIE,
        SESSION_COOKIE_SECURE=staff.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # Strict would drop it on the identity provider's way back
        PERMANENT_SESSION_LIFETIME=MAX_SESSION,
    )


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def check_password(store: Store, name: str, password: str, address: str) -> str | None:
    """``None`` if ``name`` may enter with ``password``, else why not (the attempt goes to the audit log)."""
    since = datetime.datetime.now(datetime.UTC) - FAILURE_WINDOW
    if (
        store.recent_failures(since, actor=name) >= MAX_FAILURES
        or store.recent_failures(since, address=address) >= MAX_ADDRESS_FAILURES
    ):
        store.audit(name, "connexion refusée", "trop de tentatives", address)
        return TOO_MANY
    stored = store.password_hash(name)
    try:
        HASHER.verify(stored or _DUMMY, password)
        valid = stored is not None
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid:
        store.audit(name, "connexion refusée", "mot de passe ou identifiant incorrect", address)
        return REFUSED
    if stored is not None and HASHER.check_needs_rehash(stored):
        store.set_user(name, HASHER.hash(password))
    return None


def allowed(claims: dict[str, Any], staff: StaffSettings) -> bool:
    """Whether the identity provider's claims name a group or an address the operator allowed."""
    groups = claims.get(staff.oidc_groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    email = str(claims.get("email") or "").lower()
    in_group = bool(set(map(str, groups)) & set(staff.oidc_groups))
    verified = claims.get("email_verified", True) is not False
    return in_group or (bool(email) and verified and email in staff.oidc_emails)


def start_session(store: Store, name: str) -> None:
    """A new session (and CSRF token) on login: no fixation. The cookie holds a random token; the session
    itself is in the database, so that logging out or a time-out ends it for every copy of the cookie."""
    store.forget_sessions(datetime.datetime.now(datetime.UTC) - 2 * MAX_SESSION)
    flask.session.clear()
    flask.session.permanent = True
    flask.session[TOKEN] = store.open_session(name)
    flask.session[CSRF] = secrets.token_urlsafe(32)


def current_user(store: Store, session_minutes: int) -> str | None:
    """The person logged in, if their session is still open in the database (and marks it used)."""
    token = flask.session.get(TOKEN)
    if not token:
        return None
    name = store.session_user(
        str(token), idle=datetime.timedelta(minutes=session_minutes), longest=MAX_SESSION
    )
    if name is None:
        flask.session.clear()
    return name


def end_session(store: Store, why: str) -> None:
    token = flask.session.get(TOKEN)
    if token:
        store.end_session(str(token), why)
    flask.session.clear()


def csrf_token() -> str:
    token = flask.session.get(CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        flask.session[CSRF] = token
    return str(token)


def csrf_valid() -> bool:
    expected = flask.session.get(CSRF)
    given = flask.request.form.get("csrf", "")
    return bool(expected) and hmac.compare_digest(str(expected), given)


def address() -> str:
    return flask.request.remote_addr or ""
