"""Command line: ``python -m dashboard [serve|check|confirm|geocode] …``."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from dashboard.data import perimeter, vetting
from dashboard.data.dataset import OPERATIONS_FILE
from dashboard.data.perimeter import Perimeter
from dashboard.data.reader import read_table
from dashboard.data.report import Report
from dashboard.data.schema import OPERATION_COLUMNS
from dashboard.endpoints.staff.auth import hash_password
from dashboard.settings import DEFAULT_DATA_DIR, Settings, StaffSettings, default_state_dir, public_url
from dashboard.store.db import Store, default_url
from dashboard.tools import geocode
from dashboard.versions.accepted import StateDir, confirm_pending

CHECK_SECONDS = 120.0  # ``check`` gives up after this: a file that never ends (a stale network mount)


def check(
    path: Path,
    data_dir: Path,
    *,
    state_dir: Path | None = None,
    allow_shrink: bool = False,
    perimeter: Perimeter | None = None,
    seconds: float = CHECK_SECONDS,
) -> int:
    """Print every error and warning of ``path``; 0 when there is no error, 1 otherwise. A file that would
    remove operations of the version served from ``data_dir`` is an error too (held until confirmed)."""
    report = Report()
    with _deadline(seconds):
        try:
            dataset = vetting.load_checked(data_dir, report, operations_path=path, perimeter=perimeter)
        except _TooLong:
            dataset = None
            report.error(
                path.name,
                None,
                None,
                f"vérification abandonnée après {seconds:.0f} s : un fichier ne se lit pas jusqu'au bout "
                "(support réseau inaccessible ?)",
            )
    state = state_dir or default_state_dir(data_dir)
    pointer = StateDir(state).pointer() if state.is_dir() else None
    served = StateDir(state).folder(pointer.digest) if pointer is not None else None
    if dataset is not None and served is not None:
        before = read_table(served / OPERATIONS_FILE, OPERATION_COLUMNS, Report())
        if before is not None:
            vetting.removals(before.frame, dataset.operations, report, allowed=allow_shrink)
    print(report.render())
    return 0 if report.ok else 1


class _TooLong(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise ``_TooLong`` in this thread after ``seconds``, even from a read blocked in the kernel (the
    alarm interrupts it); nothing where there is no SIGALRM or outside the main thread."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum, _frame) -> None:
        raise _TooLong

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def confirm(data_dir: Path, *, state_dir: Path | None = None, version: str | None = None) -> int:
    """Accept the version held « en attente de confirmation » (it removes operations): print what it
    removes; 0 once confirmed, 1 when there is nothing to confirm."""
    state = state_dir or default_state_dir(data_dir)
    held = StateDir(state).held() if state.is_dir() else None
    if held is None or (version and not held.digest.startswith(version)):
        print("Aucune version en attente de confirmation.", file=sys.stderr)
        return 1
    confirmed = confirm_pending(state, held.digest)
    if confirmed is None:
        print("Aucune version en attente de confirmation.", file=sys.stderr)
        return 1
    print(
        "\n".join(issue.message for issue in confirmed.report.errors[1:])
        + f"\nVersion {confirmed.version} confirmée ({confirmed.operations} opérations) : "
        "elle est servie dès le prochain coup d'œil des serveurs."
    )
    return 0


def serve(settings: Settings) -> int:
    from dashboard.app import DataError, create_app  # imported here: `check` needs no Dash
    from dashboard.endpoints.security import QuietRequestHandler

    try:
        app = create_app(settings)
    except DataError as error:  # the report, as `check` prints it; no traceback
        print(f"Données refusées, serveur non démarré :\n{error}", file=sys.stderr)
        return 1
    app.run(host=settings.host, port=settings.port, debug=settings.debug, request_handler=QuietRequestHandler)
    return 0


def _origin(value: str) -> str:
    from dashboard.endpoints.security import frame_origin

    try:
        return frame_origin(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _perimeter(value: str) -> Perimeter:
    try:
        return perimeter.check(value)
    except perimeter.PerimeterError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _perimeter_option(target: argparse.ArgumentParser) -> None:
    value = os.environ.get("COEUR_PERIMETER", "").strip()
    target.add_argument(
        "--perimeter",
        type=_perimeter,
        default=value or None,  # argparse passes a string default through ``type``: errors read the same
        metavar="PÉRIMÈTRE",
        help="régions ou départements montrés (region:32,region:11 ; departement:60 ; france), préparés "
        "depuis le référentiel national geography/ ; par défaut les contours du dossier des données "
        "(COEUR_PERIMETER)",
    )


def _version_options(target: argparse.ArgumentParser) -> None:
    target.add_argument(
        "--allow-shrink",
        action="store_true",
        default=os.environ.get("COEUR_ALLOW_SHRINK") == "1",
        help="accepter sans confirmation une version qui retire des opérations (COEUR_ALLOW_SHRINK=1)",
    )
    target.add_argument(
        "--state-dir",
        type=Path,
        default=os.environ.get("COEUR_STATE_DIR") or None,
        help="dossier de la version acceptée, partagé par les instances (COEUR_STATE_DIR)",
    )


def add_user(name: str, settings: Settings, password: str) -> int:
    """Create or change a local account of the staff area (an argon2 hash is stored, never the password)."""
    if not name.strip() or len(password) < 12:
        print(
            "identifiant vide ou mot de passe de moins de 12 caractères : rien n'est changé", file=sys.stderr
        )
        return 2
    staff = settings.staff or StaffSettings()
    settings.staff_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = Store(staff.database_url or default_url(settings.staff_dir))
    store.set_user(name.strip(), hash_password(password))
    store.audit("ligne de commande", "compte local", f"compte « {name.strip()} » créé ou modifié")
    print(
        f"compte « {name.strip()} » enregistré dans {store.engine.url.render_as_string(hide_password=True)}"
    )
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Mot de passe (12 caractères au moins) : ")
    if getpass.getpass("Le même, encore : ") != first:
        print("les deux saisies diffèrent", file=sys.stderr)
        return ""
    return first


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m dashboard", description="Tableau de bord Cœur de Ville.")
    commands = main.add_subparsers(dest="command")
    run = commands.add_parser("serve", help="servir le tableau de bord (par défaut)")
    for target in (main, run):
        target.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (127.0.0.1)")
        target.add_argument("--port", type=int, default=8050, help="port d'écoute (8050)")
        target.add_argument(
            "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="dossier des données (data/)"
        )
        target.add_argument(
            "--debug", action="store_true", help="mode débogage de Dash (jamais en production)"
        )
        target.add_argument(
            "--staff",
            action="store_true",
            help="ouvrir l'espace de gestion /gestion (réglages COEUR_* de l'environnement, README)",
        )
        _version_options(target)
        _perimeter_option(target)
        target.add_argument(
            "--frame-ancestors",
            nargs="+",
            type=_origin,
            default=[],
            metavar="ORIGINE",
            help="origines autorisées à afficher le tableau de bord dans un cadre (https://hote)",
        )
    verify = commands.add_parser("check", help="valider un fichier d'opérations sans le modifier")
    verify.add_argument(
        "path", nargs="?", type=Path, help=f"fichier à valider ({OPERATIONS_FILE} du dossier des données)"
    )
    verify.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="dossier des communes et référentiels"
    )
    _version_options(verify)
    _perimeter_option(verify)
    accept = commands.add_parser(
        "confirm", help="confirmer la version en attente (elle retire des opérations) : elle sera servie"
    )
    accept.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="dossier des données (data/)")
    accept.add_argument(
        "--state-dir",
        type=Path,
        default=os.environ.get("COEUR_STATE_DIR") or None,
        help="dossier de la version acceptée, partagé par les instances (COEUR_STATE_DIR)",
    )
    accept.add_argument("--version", help="ne confirmer que cette version (12 premiers caractères)")
    account = commands.add_parser("add-user", help="créer ou changer un compte local de l'espace de gestion")
    account.add_argument("name", help="identifiant")
    account.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="dossier des données (data/)"
    )
    account.add_argument("--state-dir", type=Path, default=None, help="dossier d'état (celui du serveur)")
    account.add_argument(
        "--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard"
    )
    place = commands.add_parser("geocode", help="placer les opérations d'après leur adresse (BAN)")
    geocode.add_arguments(place)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "check":
        return check(
            args.path or args.data_dir / OPERATIONS_FILE,
            args.data_dir,
            state_dir=args.state_dir and Path(args.state_dir),
            allow_shrink=args.allow_shrink,
            perimeter=args.perimeter,
        )
    if args.command == "confirm":
        return confirm(args.data_dir, state_dir=args.state_dir and Path(args.state_dir), version=args.version)
    if args.command == "geocode":
        return geocode.run(args)
    if args.command == "add-user":
        state = Path(args.state_dir) if args.state_dir else default_state_dir(args.data_dir)
        target = Settings(data_dir=args.data_dir, state_dir=state, staff=StaffSettings.from_env(force=True))
        return add_user(args.name, target, _read_password(args.password_stdin))
    settings = Settings(
        data_dir=args.data_dir,
        host=args.host,
        port=args.port,
        debug=args.debug,
        frame_ancestors=tuple(args.frame_ancestors),
        state_dir=Path(args.state_dir) if args.state_dir else default_state_dir(args.data_dir),
        allow_shrink=args.allow_shrink,
        perimeter=args.perimeter,
        staff=StaffSettings.from_env(force=args.staff),
        public_url=public_url(os.environ.get("COEUR_PUBLIC_URL", "")),
    )
    return serve(settings)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
