"""The staff area's routes: server-rendered French forms, every one behind the session check (``guard``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import flask

from dashboard.data.dataset import OPERATIONS_FILE
from dashboard.data.schema import Op
from dashboard.endpoints.staff import auth
from dashboard.endpoints.staff.area import Area, secret_key
from dashboard.store import draft as drafts
from dashboard.store import workbook
from dashboard.store.db import Conflict, Draft
from dashboard.store.workbook import MAX_UPLOAD_BYTES, Located
from dashboard.web import views
from dashboard.web.context import Context
from dashboard.web.routes import COMMUNE_PREFIX

PREFIX = "/gestion"
OPEN = {"staff.login", "staff.oidc_login", "staff.oidc_back", "staff.static"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTE_MISSING = "note obligatoire : dire en une phrase ce que change cette version et pourquoi"
PARIS = datetime.timezone(datetime.timedelta(hours=1))  # shown times; the database keeps UTC
EXTENSION = "coeur_staff"

staff = flask.Blueprint(
    "staff", __name__, url_prefix=PREFIX, template_folder="templates", static_folder="static"
)


def register(dash_app: Any, area: Area, get_context: Callable[[], Context]) -> None:
    """The blueprint on the app's server, with the session settings and the secret key."""
    server: flask.Flask = dash_app.server
    auth.configure(server, area.staff, secret_key(area.settings))
    area.get_context = get_context
    area.oauth = _oauth(server, area)
    server.extensions[EXTENSION] = area
    server.before_request(area.follow)  # every worker serves the version published last
    server.register_blueprint(staff)


def current() -> Area:
    area: Area = flask.current_app.extensions[EXTENSION]
    return area


def user() -> str:
    return str(flask.g.staff_user)


@staff.before_request
def guard() -> Any:
    """No session, no staff page: a GET goes to the login page, anything else is refused (401); a form
    without its CSRF token is refused (403)."""
    area = current()
    flask.g.staff_user = auth.current_user(area.store, area.staff.session_minutes)
    if flask.request.endpoint == "staff.upload":  # the only route here that takes more than a form
        flask.request.max_content_length = MAX_UPLOAD_BYTES + 64 * 1024
    if flask.request.endpoint in OPEN:
        return None
    if flask.g.staff_user is None:
        if flask.request.method in ("GET", "HEAD"):
            return flask.redirect(flask.url_for("staff.login", suite=flask.request.full_path))
        return _page("refus.html", 401, message="session absente ou expirée : se connecter de nouveau")
    if flask.request.method == "POST" and not auth.csrf_valid():
        return _page("refus.html", 403, message="formulaire expiré ou venu d'ailleurs : recharger la page")
    return None


@staff.after_request
def private(response: flask.Response) -> flask.Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@staff.context_processor
def common() -> dict[str, Any]:
    return {
        "user": flask.g.get("staff_user"),
        "csrf": auth.csrf_token(),
        "when": _when,
        "oidc": current().oauth is not None,
    }


@staff.errorhandler(413)
def too_large(_error: Exception) -> Any:
    if flask.g.get("staff_user"):
        detail = {"octets": flask.request.content_length, "rapport": "fichier trop gros"}
        current().store.audit(user(), "dépôt refusé", detail, auth.address())
    return _page("refus.html", 413, message=f"fichier trop gros : au plus {MAX_UPLOAD_BYTES // 2**20} Mo")


# Logging in and out


@staff.route("/connexion", methods=["GET", "POST"])
def login() -> Any:
    area = current()
    suite = _local_path(flask.request.values.get("suite", ""))
    if flask.request.method == "GET":
        return _page("connexion.html", 200, suite=suite, error="")
    if not auth.csrf_valid():
        return _page("connexion.html", 403, suite=suite, error="formulaire expiré : recommencer")
    name = flask.request.form.get("identifiant", "").strip()[:200]
    password = flask.request.form.get("mot_de_passe", "")
    refusal = auth.check_password(area.store, name, password, auth.address())
    if refusal:
        return _page("connexion.html", 401, suite=suite, error=refusal)
    auth.start_session(area.store, name)
    area.store.audit(name, "connexion", "compte local", auth.address())
    return flask.redirect(suite or flask.url_for("staff.home"))


@staff.route("/deconnexion", methods=["POST"])
def logout() -> Any:
    current().store.audit(user(), "déconnexion", "", auth.address())
    auth.end_session(current().store, "déconnexion")
    return flask.redirect(flask.url_for("staff.login"))


@staff.route("/oidc")
def oidc_login() -> Any:
    oauth = current().oauth
    if oauth is None:
        flask.abort(404)
    return oauth.oidc.authorize_redirect(redirect_uri())


def redirect_uri() -> str:
    """Where the identity provider sends the person back: on the site's public address (COEUR_PUBLIC_URL)
    when it is set — behind a TLS proxy the request reached http://127.0.0.1 —, never on what a request's
    Host header claims; without it (development), the address the request reached."""
    return views.public_root() + flask.url_for("staff.oidc_back")


@staff.route("/oidc/retour")
def oidc_back() -> Any:
    area = current()
    if area.oauth is None:
        flask.abort(404)
    try:
        token = area.oauth.oidc.authorize_access_token()
    except Exception as error:  # Authlib raises its own errors for a forged, replayed or refused answer
        area.store.audit("?", "connexion refusée", f"OpenID Connect : {type(error).__name__}", auth.address())
        return _page("refus.html", 401, message="connexion refusée par le fournisseur d'identité")
    claims = dict(token.get("userinfo") or {})
    name = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub") or "?")
    if not auth.allowed(claims, area.staff):
        area.store.audit(name, "connexion refusée", "hors des groupes ou adresses autorisés", auth.address())
        return _page("refus.html", 403, message=f"{name} n'est pas autorisé à gérer les données")
    auth.start_session(area.store, name)
    area.store.audit(name, "connexion", "OpenID Connect", auth.address())
    return flask.redirect(flask.url_for("staff.home"))


# The published version, the workbook, an upload


@staff.route("/")
def home() -> Any:
    area = current()
    return _page("accueil.html", 200, head=area.head(), names=area.names, max_mb=MAX_UPLOAD_BYTES // 2**20)


@staff.route("/classeur.xlsx")
def download() -> Any:
    area = current()
    version_id = flask.request.args.get("version", type=int) or area.head().id
    files = area.store.files(version_id)
    if not files:
        flask.abort(404)
    names = tuple(n for n in area.names if n in files) + tuple(n for n in files if n not in area.names)
    body = workbook.to_workbook(files, names)
    area.store.audit(user(), "téléchargement", f"version {version_id}", auth.address())
    response = flask.Response(body, mimetype=XLSX)
    disposition = f'attachment; filename="coeur-de-ville-version-{version_id}.xlsx"'
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Coeur-Version"] = str(version_id)
    return response


@staff.route("/depot", methods=["POST"])
def upload() -> Any:
    """Read, merge over the version published, validate as the data folder is; a draft only if it passes."""
    area = current()
    given = flask.request.files.get("fichier")
    if given is None or not given.filename:
        issue = Located("dépôt", None, None, None, "aucun fichier choisi")
        return _page("rapport.html", 400, issues=[issue], name="")
    raw = given.stream.read(MAX_UPLOAD_BYTES + 1)
    base = area.head()
    read = workbook.read_upload(given.filename, raw, area.names)
    files = drafts.merged(area.store.files(base.id), read)
    result = drafts.check(
        files, area.data_dir, perimeter=area.settings.perimeter, sheets=read.sheets, read_issues=read.issues
    )
    report = [issue.as_dict() for issue in result.issues]
    if not result.ok:
        detail = {"fichier": given.filename, "octets": len(raw), "rapport": report[:500]}
        area.store.audit(user(), "dépôt refusé", detail, auth.address())
        return _page("rapport.html", 422, issues=result.issues, name=given.filename)
    draft_id = area.store.add_draft(user(), base.id, given.filename, files, report, True)
    area.checked[draft_id] = result
    area.store.audit(user(), "dépôt", {"fichier": given.filename, "brouillon": draft_id}, auth.address())
    return flask.redirect(flask.url_for("staff.preview", draft_id=draft_id))


# Preview and publish


def _preview(found: Draft, status: int = 200, error: str = "", note: str = "") -> flask.Response:
    """The draft against the version published now (which may have moved since the draft was made)."""
    area = current()
    head = area.head()
    result = area.checked.get(found.id)
    if result is None:
        result = drafts.check(found.files, area.data_dir, perimeter=area.settings.perimeter)
        area.checked[found.id] = result
    diffs = [d for d in drafts.diff(area.store.files(head.id), found.files) if not d.empty]
    effect = None
    if result.dataset is not None and area.get_context is not None:
        effect = drafts.effect(area.get_context(), drafts.context_of(result.dataset))
    moved = head.id != found.base_id
    pages = opened_pages(result.dataset, diffs) if result.dataset is not None else []
    return _page(
        "apercu.html",
        status,
        draft=found,
        head=head,
        moved=moved,
        diffs=diffs,
        effect=effect,
        warnings=result.warnings,
        pages=pages,
        error=error,
        note=note,
    )


def opened_pages(dataset: Any, diffs: list[drafts.TableDiff]) -> list[tuple[str, str]]:
    """The public pages worth opening with a draft: the region's, and those of the communes whose operations
    it adds or changes."""
    operations = dataset.operations
    ids: list[str] = []
    for table in diffs:
        if table.file == OPERATIONS_FILE:
            ids += [table.key_text(record) for record in table.added] + [c.key for c in table.changed]
    found = [op for op in dict.fromkeys(ids) if op in operations.index]
    communes = dict.fromkeys(
        (str(operations.at[op, Op.CODE_INSEE]), str(operations.at[op, Op.COMMUNE])) for op in found
    )
    return [("/", "La région (page d'accueil)")] + [
        (f"{COMMUNE_PREFIX}{code}", f"{name} ({code})") for code, name in communes
    ]


@staff.route("/brouillon/<int:draft_id>")
def preview(draft_id: int) -> Any:
    found = current().store.draft(draft_id)
    if found is None:
        flask.abort(404)
    return _preview(found)


@staff.route("/brouillon/<int:draft_id>/publier", methods=["POST"])
def publish(draft_id: int) -> Any:
    """A new version from the draft, if the note is given and the version seen is still the one published;
    rows absent from the draft are removed only when ticked."""
    area = current()
    found = area.store.draft(draft_id)
    if found is None or not found.ok:
        flask.abort(404)
    if found.published_as is not None:
        return _preview(found, 409, error=f"brouillon déjà publié (version {found.published_as})")
    note = flask.request.form.get("note", "").strip()[:2000]
    if not note:
        return _preview(found, 422, error=NOTE_MISSING)
    head = area.head()
    if flask.request.form.get("version_vue", type=int) != head.id:
        message = f"la version {head.id} a été publiée par {head.author} depuis : relire la différence"
        return _preview(found, 409, error=message, note=note)
    confirmed: dict[str, set[str]] = {}
    for value in flask.request.form.getlist("supprimer"):
        file, _, key = value.partition(":")
        confirmed.setdefault(file, set()).add(key)
    against = area.store.files(head.id)
    files = drafts.keep_unconfirmed_removals(against, found.files, confirmed)
    recheck = files != found.files  # rows put back: the draft as uploaded passed, this composition must too
    if recheck and not drafts.check(files, area.data_dir, perimeter=area.settings.perimeter).ok:
        return _preview(found, 422, error="la version ainsi composée ne passe pas la validation")
    summary = drafts.summary(drafts.diff(against, files))
    try:
        version = area.store.publish(files, head.id, user(), note, drafts.counts(files), summary)
    except Conflict as conflict:
        message = f"la version {conflict.head.id} a été publiée par {conflict.head.author} entre-temps"
        return _preview(found, 409, error=message, note=note)
    area.store.mark_published(found.id, version.id)
    detail = {"version": version.id, "brouillon": found.id, "note": note}
    area.store.audit(user(), "publication", detail, auth.address())
    area.follow(force=True)
    flask.flash(f"Version {version.id} publiée : le site la sert d'ici quelques secondes.")
    return flask.redirect(flask.url_for("staff.history"))


# History


@staff.route("/historique")
def history() -> Any:
    area = current()
    return _page("historique.html", 200, versions=area.store.versions(), names=area.names)


@staff.route("/comparer")
def compare() -> Any:
    store = current().store
    one = store.version(flask.request.args.get("de", type=int) or 0)
    two = store.version(flask.request.args.get("a", type=int) or 0)
    if one is None or two is None:
        flask.abort(404)
    diffs = [d for d in drafts.diff(store.files(one.id), store.files(two.id)) if not d.empty]
    return _page("comparer.html", 200, one=one, two=two, diffs=diffs)


@staff.route("/version/<int:version_id>/restaurer", methods=["POST"])
def restore(version_id: int) -> Any:
    """A copy of an old version published as a new one: nothing is erased."""
    area = current()
    if area.store.version(version_id) is None:
        flask.abort(404)
    note = flask.request.form.get("note", "").strip()[:2000]
    if not note:
        flask.flash(f"Restauration de la version {version_id} : {NOTE_MISSING}.")
        return flask.redirect(flask.url_for("staff.history"))
    head = area.head()
    files = area.store.files(version_id)
    change = drafts.summary(drafts.diff(area.store.files(head.id), files))
    summary = f"restauration de la version {version_id} ; {change}"
    try:
        version = area.store.publish(
            files, head.id, user(), note, drafts.counts(files), summary, restored_from=version_id
        )
    except Conflict as conflict:
        flask.flash(f"La version {conflict.head.id} a été publiée entre-temps : rien n'est restauré, relire.")
        return flask.redirect(flask.url_for("staff.history"))
    detail = {"version": version.id, "copie_de": version_id, "note": note}
    area.store.audit(user(), "restauration", detail, auth.address())
    area.follow(force=True)
    flask.flash(f"Version {version_id} restaurée comme version {version.id} : servie dans quelques secondes.")
    return flask.redirect(flask.url_for("staff.history"))


@staff.route("/journal")
def journal() -> Any:
    return _page("journal.html", 200, entries=current().store.audit_log())


def _page(template: str, status: int, **values: Any) -> flask.Response:
    return flask.make_response(flask.render_template(f"gestion/{template}", **values), status)


def _when(moment: datetime.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def _local_path(value: str) -> str:
    """Only a path of the staff area to go back to after login (never another site)."""
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
