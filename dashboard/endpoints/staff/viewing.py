"""The public pages with a draft, or at an earlier published version, for the staff member who asked: the
choice is kept in their session, and every public request of theirs (page, callbacks, freshness poll,
outlines) is answered with it, under a banner « brouillon, non publié ». Without a valid session nothing
changes: the choice is read only from the session of a logged-in person."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlparse

import flask

from dashboard.endpoints.staff import auth
from dashboard.endpoints.staff.area import Area
from dashboard.endpoints.staff.routes import PREFIX, _when, current, staff, user
from dashboard.store import draft as drafts
from dashboard.web import shown
from dashboard.web.context import Context, build_context

DRAFT, VERSION = "brouillon", "version"
# Requests that never depend on the data: not worth reading the session for.
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", PREFIX + "/")
PRIVATE = "private, no-store"


def register(server: flask.Flask) -> None:
    # First of the app's hooks: the redirects and the 404 check read the data through views.current_context.
    server.before_request_funcs.setdefault(None, []).insert(0, choose)
    server.after_request(private)


def choose() -> None:
    """This request shows the draft or version its staff member chose, if their session is valid."""
    path = flask.request.path
    if auth.COOKIE not in flask.request.cookies or path.startswith(STATIC_PREFIXES):
        return  # no session cookie: a visitor, the version served (flask.session not even read)
    chosen = flask.session.get(auth.VIEW)
    if not chosen:
        return
    area = current()
    name = auth.current_user(area.store, area.staff.session_minutes)
    if name is None:
        return
    kind, _, ident = str(chosen).partition(":")
    if not ident.isdigit():
        return
    context = view_context(area, kind, int(ident))
    if context is None:
        return
    title, detail, back = _words(area, kind, int(ident))
    leave = flask.url_for("staff.leave_view")
    shown.show(shown.Shown(context, title, detail, back, leave, auth.csrf_token()))


def private(response: flask.Response) -> flask.Response:
    """An answer made with a draft is this person's: never kept by a browser's or a proxy's cache."""
    if shown.current() is not None:
        response.headers["Cache-Control"] = PRIVATE
        response.vary.add("Cookie")
    return response


def _words(area: Area, kind: str, ident: int) -> tuple[str, str, str]:
    if kind == DRAFT:
        found = area.store.draft(ident)
        assert found is not None  # view_context found it
        detail = (
            f"Déposé par {found.author} le {_when(found.created_at)} (fichier {found.upload_name}), "
            f"à partir de la version {found.base_id}."
        )
        return f"Brouillon n° {ident}, non publié", detail, flask.url_for("staff.preview", draft_id=ident)
    version = area.store.version(ident)
    assert version is not None
    head = area.head()
    served = (
        "C'est la version servie au public." if head.id == ident else f"Le public voit la version {head.id}."
    )
    detail = f"Publiée par {version.author} : « {version.note} ». {served}"
    return f"Version {ident} du {_when(version.created_at)}", detail, flask.url_for("staff.history")


def view_context(area: Area, kind: str, ident: int) -> Context | None:
    """``context_of``, kept for the next requests (a few per process: each weighs the data's size)."""
    key = (kind, ident)
    found = area.contexts.get(key)
    if found is not None:
        return found
    with area.building:  # one build at a time: the staff member's page, its callbacks and outlines at once
        found = area.contexts.get(key)
        if found is None:
            found = context_of(area, kind, ident)
            if found is not None:
                area.contexts[key] = found
    return found


def context_of(area: Area, kind: str, ident: int) -> Context | None:
    """The draft's or version's data prepared for display, validated as any version is; ``None`` if it is
    unknown or no longer passes (the outlines changed since, say)."""
    if kind == DRAFT:
        found = area.store.draft(ident)
        if found is None or not found.ok:
            return None
        result = area.checked.get(ident)
        if result is None:
            result = drafts.check(found.files, area.data_dir, perimeter=area.settings.perimeter)
            area.checked[ident] = result
    elif kind == VERSION:
        files = area.store.files(ident)
        if not files:
            return None
        result = drafts.check(files, area.data_dir, perimeter=area.settings.perimeter)
    else:
        return None
    if result.dataset is None:
        return None
    return dataclasses.replace(build_context(result.dataset), version=f"{kind}-{ident}")


def _public_path(value: str) -> str:
    """A page of the public site to open (never another site, never the staff area)."""
    parsed = urlparse(value)
    if parsed.scheme or parsed.netloc or not value.startswith("/") or value.startswith(("//", PREFIX)):
        return "/"
    return value


def _start(kind: str, ident: int) -> Any:
    area = current()
    if view_context(area, kind, ident) is None:
        flask.flash(f"Impossible d'afficher le site avec {kind} {ident} : il ne passe plus la validation.")
        return flask.redirect(flask.url_for("staff.history"))
    flask.session[auth.VIEW] = f"{kind}:{ident}"
    area.store.audit(user(), "aperçu public", f"{kind} {ident}", auth.address())
    return flask.redirect(_public_path(flask.request.form.get("page", "/")))


@staff.route("/brouillon/<int:draft_id>/voir", methods=["POST"])
def view_draft(draft_id: int) -> Any:
    found = current().store.draft(draft_id)
    if found is None or not found.ok:
        flask.abort(404)
    return _start(DRAFT, draft_id)


@staff.route("/version/<int:version_id>/voir", methods=["POST"])
def view_version(version_id: int) -> Any:
    if current().store.version(version_id) is None:
        flask.abort(404)
    return _start(VERSION, version_id)


@staff.route("/vue/quitter", methods=["POST"])
def leave_view() -> Any:
    """Back to the page the person was reading, now with the version published."""
    flask.session.pop(auth.VIEW, None)
    came_from = urlparse(flask.request.referrer or "")
    same_site = came_from.netloc == flask.request.host
    path = came_from.path + (f"?{came_from.query}" if came_from.query else "")
    return flask.redirect(_public_path(path) if same_site else "/")
