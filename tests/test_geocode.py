"""``geocode`` against a local stand-in of the BAN batch geocoder: what is sent, kept, refused, written."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.tools import ban
from tests.conftest import HEADER, REPO
from tests.fake_ban import ANSWER, RECORDED, FakeBan, Step, failing, local_and_recorded

COLUMNS = HEADER.split(",")
FAST = ["--timeout", "0.5", "--retries", "2", "--backoff", "0.01"]


def operation(
    op_id: str,
    commune: str,
    code: str,
    adresse: str,
    longitude: str = "",
    latitude: str = "",
    precision: str = "",
) -> dict[str, str]:
    cells = dict.fromkeys(COLUMNS, "")
    cells.update(
        id=op_id,
        programme="ACV",
        commune=commune,
        code_insee=code,
        adresse=adresse,
        nature="réhabilitation",
        source="s1",
        longitude=longitude,
        latitude=latitude,
        precision_geo=precision,
        description=f"Réhabilitation « {commune} » ; 5 logements, 1 local",
    )
    return cells


OPERATIONS = [  # file lines 2 to 9
    operation("beauvais-rue-carnot", "Beauvais", "60057", "49 Rue Carnot"),
    operation("saint-quentin-rue-du-mail", "Saint-Quentin", "02691", "Rue du Mail"),
    operation("senlis-quartier-ordener", "Senlis", "60612", "Quartier Ordener"),
    operation(
        "amiens-zac-gare-la-vallee", "Amiens", "80021", "Angle de la rue Dejean et de la rue des Maraichers"
    ),
    operation("compiegne-rue-d-amiens", "Compiègne", "60159", "Rue d'Amiens"),
    operation("saint-quentin-friche-marechal-juin", "Saint-Quentin", "02691", ""),
    operation("arras-rue-diderot", "Arras", "62041", "Rue Diderot", "2.774120", "50.287310", "adresse"),
    operation(
        "cambrai-rue-de-sellen", "Cambrai", "59122", "Rue de Sellen", "3.234500", "50.176300", "commune"
    ),
]
# What the recorded answers give: (longitude, latitude, precision) by id.
PLACED = {
    "beauvais-rue-carnot": ("2.084133", "49.432234", "adresse"),
    "saint-quentin-rue-du-mail": ("3.287453", "49.846721", "rue"),
    "senlis-quartier-ordener": ("2.586540", "49.207010", "commune"),
}
SUMMARY = """\
operations.csv : 7 opération(s) à placer, 6 envoyée(s) en 1 requête(s)
placées : 3 (1 à l'adresse, 1 à la rue, 1 à la commune)
refusées : 3 (position laissée telle quelle)
  operations.csv:5: score 0,41 sous le seuil 0,50 (« Rue Dejean 80000 Amiens »)
  operations.csv:6: trouvée dans la commune 60382 et non 60159 (« Rue d'Amiens 60280 Margny-lès-Compiègne »)
  operations.csv:9: adresse non trouvée (statut « not-found »)
non envoyées : 1
  operations.csv:7: adresse vide
"""


def written(out: Path) -> str:
    return f"écrit : {out}\nà vérifier : python -m dashboard check {out}\n"


def csv_bytes(
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    separator: str = ",",
    newline: str = "\n",
    quoting: int = csv.QUOTE_MINIMAL,
    comma: bool = False,
) -> bytes:
    """``rows`` as a person's tools may save them; ``comma`` writes decimal commas in coordinates."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator=newline, quoting=quoting)
    writer.writerow(COLUMNS)
    for row in rows:
        cells = dict(row)
        if comma:
            for name in ("longitude", "latitude"):
                cells[name] = row[name].replace(".", ",")
        writer.writerow([cells[column] for column in COLUMNS])
    return out.getvalue().encode(encoding)


def placed(
    rows: list[dict[str, str]], which: dict[str, tuple[str, str, str]] = PLACED
) -> list[dict[str, str]]:
    """``rows`` with the positions of ``which`` put in."""
    changed = []
    for row in rows:
        current = (row["longitude"], row["latitude"], row["precision_geo"])
        longitude, latitude, precision = which.get(row["id"], current)
        changed.append(row | {"longitude": longitude, "latitude": latitude, "precision_geo": precision})
    return changed


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def geocode(source: Path, *options: str, api: str) -> int:
    return main(["geocode", str(source), "--api-url", api, *FAST, *options])  # options override FAST


@pytest.fixture(autouse=True)
def local_only(monkeypatch):
    """Nothing leaves the machine, and waits between tries are recorded, not slept."""
    return local_and_recorded(monkeypatch)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "operations.csv"
    path.write_bytes(csv_bytes(OPERATIONS))
    return path


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- What is kept, refused and said


def test_each_answer_type_sets_its_precision_and_refused_rows_keep_their_position(source, tmp_path, capsys):
    out = tmp_path / "geocoded.csv"
    with FakeBan() as ban_:
        assert geocode(source, "--out", str(out), api=ban_.url) == 0
    assert out.read_bytes() == csv_bytes(placed(OPERATIONS))
    assert capsys.readouterr().out == SUMMARY + written(out)


def test_the_request_is_the_documented_form_with_only_the_address_columns(source, tmp_path):
    with FakeBan() as ban_:
        geocode(source, "--out", str(tmp_path / "out.csv"), api=ban_.url)
    [received] = ban_.received
    assert received.fields == {
        "columns": ["adresse", "commune"],
        "citycode": ["code_insee"],
        "result_columns": list(ban.RESULT_COLUMNS),
    }
    sent = list(csv.reader(io.StringIO(received.data.decode("utf-8"))))
    assert sent[0] == ["ligne", "adresse", "commune", "code_insee"]
    assert [row[0] for row in sent[1:]] == ["2", "3", "4", "5", "6", "9"]
    assert sent[2] == ["3", "Rue du Mail", "Saint-Quentin", "02691"]


def test_a_lower_min_score_accepts_the_weak_answer(source, tmp_path, capsys):
    out = tmp_path / "geocoded.csv"
    with FakeBan() as ban_:
        assert geocode(source, "--out", str(out), "--min-score", "0.4", api=ban_.url) == 0
    expected = PLACED | {"amiens-zac-gare-la-vallee": ("2.311634", "49.890712", "rue")}
    assert out.read_bytes() == csv_bytes(placed(OPERATIONS, expected))
    assert "placées : 4 (1 à l'adresse, 2 à la rue, 1 à la commune)" in capsys.readouterr().out


def test_rows_go_in_batches_of_the_given_size_with_the_same_result(source, tmp_path, capsys):
    out = tmp_path / "geocoded.csv"
    with FakeBan() as ban_:
        assert geocode(source, "--out", str(out), "--batch-size", "4", api=ban_.url) == 0
    assert [len(received.data.splitlines()) - 1 for received in ban_.received] == [4, 2]
    assert out.read_bytes() == csv_bytes(placed(OPERATIONS))
    assert "6 envoyée(s) en 2 requête(s)" in capsys.readouterr().out


def test_all_sends_placed_rows_too_but_never_lowers_their_precision(source, tmp_path, capsys):
    out = tmp_path / "geocoded.csv"
    with FakeBan() as ban_:
        assert geocode(source, "--out", str(out), "--all", api=ban_.url) == 0
    assert [row[0] for row in csv.reader(io.StringIO(ban_.received[0].data.decode()))][1:] == [
        "2",
        "3",
        "4",
        "5",
        "6",
        "8",
        "9",
    ]
    assert out.read_bytes() == csv_bytes(placed(OPERATIONS))
    assert (
        "  operations.csv:8: résultat à la rue, moins précis que la position actuelle "
        "(« Rue Diderot 62000 Arras »)"
    ) in capsys.readouterr().out.splitlines()


def test_nothing_to_place_sends_nothing_and_changes_nothing(tmp_path, capsys):
    path = tmp_path / "operations.csv"
    path.write_bytes(csv_bytes(placed(OPERATIONS[:2])))
    before = digest(path)
    with FakeBan() as ban_:
        assert geocode(path, "--in-place", api=ban_.url) == 0
    assert ban_.received == []
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["operations.csv"]
    assert (
        capsys.readouterr().out.splitlines()[0]
        == "operations.csv : 0 opération(s) à placer, 0 envoyée(s) en 0 requête(s)"
    )


# --- Where it writes, and what it keeps of the file


def test_without_in_place_the_input_bytes_are_unchanged(source, tmp_path):
    before = digest(source)
    with FakeBan() as ban_:
        assert geocode(source, "--out", str(tmp_path / "geocoded.csv"), api=ban_.url) == 0
    assert digest(source) == before


def test_in_place_rewrites_the_input_after_keeping_a_dated_backup(source, capsys):
    original = source.read_bytes()
    with FakeBan() as ban_:
        assert geocode(source, "--in-place", api=ban_.url) == 0
    [backup] = [path for path in source.parent.iterdir() if path != source]
    assert re.fullmatch(r"operations\.csv\.bak-\d{8}-\d{6}", backup.name)
    assert backup.read_bytes() == original
    assert source.read_bytes() == csv_bytes(placed(OPERATIONS))
    assert capsys.readouterr().out.splitlines()[-2] == f"écrit : {source} (original gardé dans {backup.name})"


def test_out_may_not_be_the_input_itself(source, capsys):
    before = digest(source)
    with FakeBan() as ban_:
        assert geocode(source, "--out", str(source), api=ban_.url) == 1
    assert ban_.received == [] and digest(source) == before
    assert "--out désigne le fichier d'entrée : utiliser --in-place" in capsys.readouterr().err


def test_a_folder_that_does_not_exist_is_reported_with_the_file_asked(source, tmp_path, capsys):
    out = tmp_path / "missing" / "geocoded.csv"
    with FakeBan() as ban_:
        assert geocode(source, "--out", str(out), api=ban_.url) == 1
    assert capsys.readouterr().err == f"{out}: écriture impossible : No such file or directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["operations.csv"]


SPREADSHEET_SAVES = {
    "utf-8, comma, LF": dict(encoding="utf-8", separator=",", newline="\n"),
    "utf-8 with BOM, semicolon, CRLF": dict(encoding="utf-8-sig", separator=";", newline="\r\n"),
    "cp1252, semicolon, CRLF, decimal comma, all quoted": dict(
        encoding="cp1252", separator=";", newline="\r\n", comma=True, quoting=csv.QUOTE_ALL
    ),
}


@pytest.mark.parametrize("save", SPREADSHEET_SAVES.values(), ids=SPREADSHEET_SAVES.keys())
def test_the_file_keeps_its_encoding_separator_line_endings_quoting_and_every_row(tmp_path, save):
    path = tmp_path / "operations.csv"
    path.write_bytes(csv_bytes(OPERATIONS, **save))
    with FakeBan() as ban_:
        assert geocode(path, "--in-place", api=ban_.url) == 0
    # Byte for byte what the same spreadsheet would have saved with the new positions.
    assert path.read_bytes() == csv_bytes(placed(OPERATIONS), **save)


def test_a_header_without_a_needed_column_is_an_error_and_nothing_is_sent(tmp_path, capsys):
    path = tmp_path / "operations.csv"
    header = HEADER.replace(",precision_geo", "")
    path.write_text(header + "\nx,ACV,Beauvais,60057,Rue Carnot\n", encoding="utf-8")
    with FakeBan() as ban_:
        assert geocode(path, "--out", str(tmp_path / "out.csv"), api=ban_.url) == 1
    assert ban_.received == [] and not (tmp_path / "out.csv").exists()
    message = "operations.csv:1: precision_geo: colonne obligatoire absente de l'en-tête"
    assert message in capsys.readouterr().err


# --- When the service is slow, busy, failing or wrong


def test_a_service_too_slow_for_the_timeout_is_given_up_and_nothing_written(source, tmp_path, capsys):
    out = tmp_path / "geocoded.csv"
    with FakeBan(Step(delay=5), ANSWER) as ban_:
        assert geocode(source, "--out", str(out), "--timeout", "0.3", api=ban_.url) == 1
    assert len(ban_.received) == 1 and not out.exists()
    assert "pas de réponse complète en 0.3 s" in capsys.readouterr().err


def test_a_wait_asked_beyond_the_timeout_stops_at_once(source, tmp_path, capsys, local_only):
    with FakeBan(failing(429, **{"Retry-After": "7"}), ANSWER) as ban_:
        assert geocode(source, "--out", str(tmp_path / "geocoded.csv"), "--timeout", "2", api=ban_.url) == 1
    assert len(ban_.received) == 1 and local_only == []
    assert "HTTP 429" in capsys.readouterr().err


def test_a_server_error_is_tried_again_after_a_backoff(source, tmp_path, local_only):
    out = tmp_path / "geocoded.csv"
    with FakeBan(failing(500), failing(502), ANSWER) as ban_:
        assert geocode(source, "--out", str(out), api=ban_.url) == 0
    assert len(ban_.received) == 3 and local_only == [0.01, 0.02]
    assert out.read_bytes() == csv_bytes(placed(OPERATIONS))


def test_a_429_waits_as_long_as_retry_after_says(source, tmp_path, local_only):
    out = tmp_path / "geocoded.csv"
    with FakeBan(failing(429, **{"Retry-After": "7"}), ANSWER) as ban_:
        assert geocode(source, "--out", str(out), "--timeout", "30", api=ban_.url) == 0
    assert local_only == [7.0]
    assert out.read_bytes() == csv_bytes(placed(OPERATIONS))


def test_a_persistent_server_error_is_reported_and_nothing_is_written(source, tmp_path, capsys, local_only):
    before = digest(source)
    with FakeBan(failing(503), failing(503), failing(503)) as ban_:
        assert geocode(source, "--out", str(tmp_path / "geocoded.csv"), api=ban_.url) == 1
    assert len(ban_.received) == 3 and local_only == [0.01, 0.02]
    assert capsys.readouterr().err == (
        "operations.csv: le service ne répond pas (HTTP 503 : An unexpected error has occurred, "
        "3 essai(s)) : réessayer plus tard ; aucun fichier écrit\n"
    )
    assert digest(source) == before and not (tmp_path / "geocoded.csv").exists()


@pytest.mark.parametrize(
    ("step", "path", "message"),
    [
        (failing(413), "/geocodage", "lot trop gros pour le service (HTTP 413) : réduire --batch-size"),
        (ANSWER, "/autre", "le service a refusé la requête (HTTP 404 : Not found)"),
    ],
    ids=["413", "wrong api url"],
)
def test_a_client_error_is_not_tried_again(source, tmp_path, capsys, step, path, message):
    with FakeBan(step) as ban_:
        assert geocode(source, "--in-place", api=ban_.url.replace("/geocodage", path)) == 1
    assert len(ban_.received) == (1 if path == "/geocodage" else 0)
    assert capsys.readouterr().err == f"operations.csv: {message} ; aucun fichier écrit\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["operations.csv"]


MALFORMED = {
    "missing column": (Step(drop_column="result_score"), "réponse sans les colonnes result_score"),
    "not csv": (
        Step(body=(RECORDED / "gateway-error.html").read_bytes(), headers={"Content-Type": "text/html"}),
        "réponse sans les colonnes ligne, latitude, longitude, result_score, result_type, "
        'result_citycode, pas le CSV de /search/csv (début : « <!DOCTYPE html> <html lang="fr">',
    ),
    "fewer rows": (Step(drop_last_row=True), "réponse de 5 ligne(s) pour 6 envoyée(s)"),
    "rows out of order": (Step(swap_rows=True), "réponse désordonnée : ligne 2 attendue, « 3 » reçue"),
    "not utf-8": (
        Step(body="ligne;latitude\n2;49,4\n".encode("utf-16")),
        "réponse illisible, pas un CSV en UTF-8",
    ),
}


@pytest.mark.parametrize(("step", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_answer_is_reported_and_nothing_is_written(source, tmp_path, capsys, step, message):
    before = digest(source)
    with FakeBan(step) as ban_:
        assert geocode(source, "--in-place", api=ban_.url) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"operations.csv: {message}") and err.endswith(" ; aucun fichier écrit\n")
    assert digest(source) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["operations.csv"]


def test_no_network_says_so_in_one_line_and_exits_2(source, tmp_path, capsys):
    before = digest(source)
    port = closed_port()
    assert geocode(source, "--out", str(tmp_path / "out.csv"), api=f"http://127.0.0.1:{port}/geocodage") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err
        == f"geocode : pas de réseau : impossible de joindre 127.0.0.1:{port} ; aucun fichier modifié\n"
    )
    assert digest(source) == before and not (tmp_path / "out.csv").exists()


def test_an_unknown_host_is_no_network_too(source, tmp_path, capsys):
    # local_and_recorded (stay_local) makes every host but this machine's unknown, without asking any
    # resolver.
    assert geocode(source, "--out", str(tmp_path / "out.csv"), api="http://geocodeur.example/geocodage") == 2
    assert capsys.readouterr().err == (
        "geocode : pas de réseau : impossible de joindre geocodeur.example ; aucun fichier modifié\n"
    )


# --- As a person runs it


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "geocode", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_python_m_dashboard_geocode_places_the_operations(source, tmp_path):
    out = tmp_path / "geocoded.csv"
    with FakeBan() as ban_:
        done = run_module(str(source), "--out", str(out), "--api-url", ban_.url, *FAST)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == SUMMARY + written(out)
    assert out.read_bytes() == csv_bytes(placed(OPERATIONS))


def test_python_m_dashboard_geocode_without_network_prints_one_line_and_exits_2(source):
    before = digest(source)
    closed = f"http://127.0.0.1:{closed_port()}/geocodage"
    done = run_module(str(source), "--in-place", "--api-url", closed, *FAST)
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("geocode : pas de réseau : impossible de joindre 127.0.0.1:")
    assert digest(source) == before and sorted(p.name for p in source.parent.iterdir()) == ["operations.csv"]


def test_a_redirect_to_another_host_is_refused(source, capsys):
    with FakeBan() as elsewhere, FakeBan(Step(status=307, headers={"Location": elsewhere.url})) as ban_:
        assert geocode(source, "--in-place", api=ban_.url) == 1
    assert elsewhere.received == []
    err = capsys.readouterr().err
    assert f"le service renvoie vers un autre hôte ({elsewhere.url.split('/')[2]}) : refusé" in err


def test_a_redirect_on_the_same_host_is_followed(source, capsys):
    with FakeBan(Step(status=308, headers={"Location": "/geocodage/search/csv"})) as ban_:
        assert geocode(source, "--in-place", api=ban_.url) == 0
    assert len(ban_.received) == 2


def test_control_characters_of_an_answer_never_reach_the_terminal(source, capsys):
    message = "\x1b[2J\x1b]0;titre\x07effacé\r\u202egnp.exe"
    body = json.dumps({"code": 400, "message": message}).encode()
    with FakeBan(Step(status=400, headers={"Content-Type": "application/json"}, body=body)) as ban_:
        assert geocode(source, "--in-place", api=ban_.url) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "effacé" in err and "gnp.exe" in err
    assert not any(char in err + captured.out for char in "\x1b\x07\r\u202e")
