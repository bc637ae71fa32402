"""The staff area's routes: server-rendered French forms, every one behind the session check."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import flask
from cachetools import LRUCache

from dashboard.endpoints.staff import auth
from dashboard.endpoints.staff.area import Area, secret_key
from dashboard.store import draft as drafts
from dashboard.store import workbook
from dashboard.store.db import Conflict, Draft
from dashboard.store.draft import Checked
from dashboard.store.workbook import MAX_UPLOAD_BYTES, Located
from dashboard.web.context import Context

PREFIX = "/gestion"
OPEN = {"staff.login", "staff.oidc_login", "staff.oidc_back", "staff.static"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTE_MISSING = "note obligatoire : dire en une phrase ce que change cette version et pourquoi"
PARIS = datetime.timezone(datetime.timedelta(hours=1))  # shown times; the database keeps UTC


def register(dash_app: Any, area: Area, get_context: Callable[[], Context]) -> None:
    """The blueprint on the app's server, with the session settings and the secret key."""
    server: flask.Flask = dash_app.server
    auth.configure(server, area.staff, secret_key(area.settings))
    server.extensions["coeur_staff"] = area
    blueprint = flask.Blueprint(
        "staff", __name__, url_prefix=PREFIX, template_folder="templates", static_folder="static"
    )
    checked: LRUCache[int, Checked] = LRUCache(maxsize=8)
    oauth = _oauth(server, area)

    @server.before_request
    def follow_published() -> None:
        area.follow()

    @blueprint.before_request
    def guard() -> Any:
        flask.g.staff_user = auth.current_user(area.staff.session_minutes)
        if flask.request.endpoint == "staff.upload":  # the only route here that takes more than a form
            flask.request.max_content_length = MAX_UPLOAD_BYTES + 64 * 1024
        if flask.request.endpoint in OPEN:
            return None
        if flask.g.staff_user is None:
            if flask.request.method in ("GET", "HEAD"):
                return flask.redirect(flask.url_for("staff.login", suite=flask.request.full_path))
            return _page("refus.html", 401, message="session absente ou expirée : se connecter de nouveau")
        if flask.request.method == "POST" and not auth.csrf_valid():
            return _page(
                "refus.html", 403, message="formulaire expiré ou venu d'ailleurs : recharger la page"
            )
        return None

    @blueprint.after_request
    def private(response: flask.Response) -> flask.Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    @blueprint.context_processor
    def common() -> dict[str, Any]:
        return {
            "user": flask.g.get("staff_user"),
            "csrf": auth.csrf_token(),
            "when": _when,
            "oidc": oauth is not None,
            "local": True,
        }

    @blueprint.route("/connexion", methods=["GET", "POST"])
    def login() -> Any:
        suite = _local_path(flask.request.values.get("suite", ""))
        if flask.request.method == "GET":
            return _page("connexion.html", 200, suite=suite, error="")
        if not auth.csrf_valid():
            return _page("connexion.html", 403, suite=suite, error="formulaire expiré : recommencer")
        name = flask.request.form.get("identifiant", "").strip()[:200]
        refusal = auth.check_password(
            area.store, name, flask.request.form.get("mot_de_passe", ""), auth.address()
        )
        if refusal:
            return _page("connexion.html", 401, suite=suite, error=refusal)
        auth.start_session(name)
        area.store.audit(name, "connexion", "compte local", auth.address())
        return flask.redirect(suite or flask.url_for("staff.home"))

    @blueprint.route("/deconnexion", methods=["POST"])
    def logout() -> Any:
        area.store.audit(flask.g.staff_user, "déconnexion", "", auth.address())
        flask.session.clear()
        return flask.redirect(flask.url_for("staff.login"))

    @blueprint.route("/oidc")
    def oidc_login() -> Any:
        if oauth is None:
            flask.abort(404)
        return oauth.oidc.authorize_redirect(flask.url_for("staff.oidc_back", _external=True))

    @blueprint.route("/oidc/retour")
    def oidc_back() -> Any:
        if oauth is None:
            flask.abort(404)
        try:
            token = oauth.oidc.authorize_access_token()
        except Exception as error:  # Authlib raises its own errors for a forged or replayed answer
            area.store.audit(
                "?", "connexion refusée", f"OpenID Connect : {type(error).__name__}", auth.address()
            )
            return _page("refus.html", 401, message="connexion refusée par le fournisseur d'identité")
        claims = dict(token.get("userinfo") or {})
        name = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub") or "?")
        if not auth.allowed(claims, area.staff):
            area.store.audit(
                name, "connexion refusée", "hors des groupes ou adresses autorisés", auth.address()
            )
            return _page("refus.html", 403, message=f"{name} n'est pas autorisé à gérer les données")
        auth.start_session(name)
        area.store.audit(name, "connexion", "OpenID Connect", auth.address())
        return flask.redirect(flask.url_for("staff.home"))

    @blueprint.route("/")
    def home() -> Any:
        return _page(
            "accueil.html", 200, head=area.head(), names=area.names, max_mb=MAX_UPLOAD_BYTES // 2**20
        )

    @blueprint.route("/classeur.xlsx")
    def download() -> Any:
        version_id = flask.request.args.get("version", type=int) or area.head().id
        files = area.store.files(version_id)
        if not files:
            flask.abort(404)
        body = workbook.to_workbook(
            files, tuple(n for n in area.names if n in files) + tuple(n for n in files if n not in area.names)
        )
        area.store.audit(flask.g.staff_user, "téléchargement", f"version {version_id}", auth.address())
        response = flask.Response(body, mimetype=XLSX)
        response.headers["Content-Disposition"] = (
            f'attachment; filename="coeur-de-ville-version-{version_id}.xlsx"'
        )
        response.headers["X-Coeur-Version"] = str(version_id)
        return response

    @blueprint.route("/depot", methods=["POST"])
    def upload() -> Any:
        given = flask.request.files.get("fichier")
        if given is None or not given.filename:
            return _page(
                "rapport.html",
                400,
                issues=[Located("dépôt", None, None, None, "aucun fichier choisi")],
                name="",
            )
        raw = given.stream.read(MAX_UPLOAD_BYTES + 1)
        base = area.head()
        base_files = area.store.files(base.id)
        read = workbook.read_upload(given.filename, raw, area.names)
        files = drafts.merged(base_files, read)
        result = drafts.check(
            files,
            area.data_dir,
            perimeter=area.settings.perimeter,
            sheets=read.sheets,
            read_issues=read.issues,
        )
        report = [issue.as_dict() for issue in result.issues]
        user = flask.g.staff_user
        if not result.ok:
            detail = {"fichier": given.filename, "octets": len(raw), "rapport": report[:500]}
            area.store.audit(user, "dépôt refusé", detail, auth.address())
            return _page("rapport.html", 422, issues=result.issues, name=given.filename)
        draft_id = area.store.add_draft(user, base.id, given.filename, files, report, True)
        checked[draft_id] = result
        area.store.audit(user, "dépôt", {"fichier": given.filename, "brouillon": draft_id}, auth.address())
        return flask.redirect(flask.url_for("staff.preview", draft_id=draft_id))

    def _checked(found: Draft) -> Checked:
        if found.id not in checked:
            checked[found.id] = drafts.check(found.files, area.data_dir, perimeter=area.settings.perimeter)
        return checked[found.id]

    def _preview(found: Draft, status: int = 200, error: str = "", note: str = "") -> Any:
        head = area.head()
        result = _checked(found)
        against = area.store.files(head.id)
        diffs = [d for d in drafts.diff(against, found.files) if not d.empty]
        effect = (
            drafts.effect(get_context(), drafts.context_of(result.dataset))
            if result.dataset is not None
            else None
        )
        moved = area.store.version(found.base_id) if head.id != found.base_id else None
        return _page(
            "apercu.html",
            status,
            draft=found,
            head=head,
            moved=moved,
            diffs=diffs,
            effect=effect,
            warnings=result.warnings,
            error=error,
            note=note,
        )

    @blueprint.route("/brouillon/<int:draft_id>")
    def preview(draft_id: int) -> Any:
        found = area.store.draft(draft_id)
        if found is None:
            flask.abort(404)
        return _preview(found)

    @blueprint.route("/brouillon/<int:draft_id>/publier", methods=["POST"])
    def publish(draft_id: int) -> Any:
        found = area.store.draft(draft_id)
        if found is None or not found.ok:
            flask.abort(404)
        if found.published_as is not None:
            return _preview(found, 409, error=f"brouillon déjà publié (version {found.published_as})")
        note = flask.request.form.get("note", "").strip()[:2000]
        if not note:
            return _preview(found, 422, error=NOTE_MISSING)
        head = area.head()
        seen = flask.request.form.get("version_vue", type=int)
        if seen != head.id:  # published by someone else since this page was drawn: show the new difference
            message = f"la version {head.id} a été publiée par {head.author} depuis : relire la différence"
            return _preview(found, 409, error=message, note=note)
        confirmed: dict[str, set[str]] = {}
        for value in flask.request.form.getlist("supprimer"):
            file, _, key = value.partition(":")
            confirmed.setdefault(file, set()).add(key)
        against = area.store.files(head.id)
        files = drafts.keep_unconfirmed_removals(against, found.files, confirmed)
        result = drafts.check(files, area.data_dir, perimeter=area.settings.perimeter)
        if not result.ok:
            return _preview(found, 422, error="la version ainsi composée ne passe pas la validation")
        try:
            version = area.store.publish(
                files,
                head.id,
                flask.g.staff_user,
                note,
                drafts.counts(files),
                drafts.summary(drafts.diff(against, files)),
            )
        except Conflict as conflict:
            message = (
                f"la version {conflict.head.id} a été publiée par {conflict.head.author} entre-temps : relire"
            )
            return _preview(found, 409, error=message, note=note)
        area.store.mark_published(found.id, version.id)
        area.store.audit(
            flask.g.staff_user,
            "publication",
            {"version": version.id, "brouillon": found.id, "note": note},
            auth.address(),
        )
        area.follow(force=True)
        flask.flash(f"Version {version.id} publiée : le site la sert d'ici quelques secondes.")
        return flask.redirect(flask.url_for("staff.history"))

    @blueprint.route("/historique")
    def history() -> Any:
        return _page("historique.html", 200, versions=area.store.versions())

    @blueprint.route("/comparer")
    def compare() -> Any:
        first = flask.request.args.get("de", type=int)
        second = flask.request.args.get("a", type=int)
        one = area.store.version(first or 0)
        two = area.store.version(second or 0)
        if one is None or two is None:
            flask.abort(404)
        diffs = [d for d in drafts.diff(area.store.files(one.id), area.store.files(two.id)) if not d.empty]
        return _page("comparer.html", 200, one=one, two=two, diffs=diffs)

    @blueprint.route("/version/<int:version_id>/restaurer", methods=["POST"])
    def restore(version_id: int) -> Any:
        old = area.store.version(version_id)
        if old is None:
            flask.abort(404)
        note = flask.request.form.get("note", "").strip()[:2000]
        if not note:
            flask.flash(f"Restauration de la version {version_id} : {NOTE_MISSING}.")
            return flask.redirect(flask.url_for("staff.history"))
        head = area.head()
        files = area.store.files(version_id)
        summary = f"restauration de la version {version_id} ; " + drafts.summary(
            drafts.diff(area.store.files(head.id), files)
        )
        try:
            version = area.store.publish(
                files,
                head.id,
                flask.g.staff_user,
                note,
                drafts.counts(files),
                summary,
                restored_from=version_id,
            )
        except Conflict as conflict:
            flask.flash(
                f"La version {conflict.head.id} a été publiée entre-temps : rien n'est restauré, "
                "relire l'historique."
            )
            return flask.redirect(flask.url_for("staff.history"))
        area.store.audit(
            flask.g.staff_user,
            "restauration",
            {"version": version.id, "copie_de": version_id, "note": note},
            auth.address(),
        )
        area.follow(force=True)
        flask.flash(
            f"Version {version_id} restaurée comme version {version.id} : "
            "le site la sert d'ici quelques secondes."
        )
        return flask.redirect(flask.url_for("staff.history"))

    @blueprint.route("/journal")
    def journal() -> Any:
        return _page("journal.html", 200, entries=area.store.audit_log())

    @blueprint.errorhandler(413)
    def too_large(_error: Exception) -> Any:
        if flask.g.get("staff_user"):
            detail = {"octets": flask.request.content_length, "rapport": "fichier trop gros"}
            area.store.audit(flask.g.staff_user, "dépôt refusé", detail, auth.address())
        return _page("refus.html", 413, message=f"fichier trop gros : au plus {MAX_UPLOAD_BYTES // 2**20} Mo")

    server.register_blueprint(blueprint)


def _page(template: str, status: int, **values: Any) -> flask.Response:
    response = flask.make_response(flask.render_template(f"gestion/{template}", **values), status)
    return response


def _when(moment: datetime.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def _local_path(value: str) -> str:
    """Only a path of this site to go back to after login (never another site)."""
    parsed = urlparse(value)
    if parsed.scheme or parsed.netloc or not value.startswith(PREFIX) or value.startswith("//"):
        return ""
    return value


def _oauth(server: flask.Flask, area: Area) -> Any:
    if not area.staff.oidc_issuer:
        return None
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(server)
    oauth.register(
        "oidc",
        client_id=area.staff.oidc_client_id,
        client_secret=area.staff.oidc_client_secret,
        server_metadata_url=area.staff.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile"},
    )
    return oauth
