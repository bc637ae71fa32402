"""Former codes and names since 2018: read beside the outlines, and what `check` says of them."""

from __future__ import annotations

import pytest

from dashboard.cli import main
from dashboard.data.cog import Former, History, de, name_key, read_history
from dashboard.data.report import Report
from tests.conftest import HEADER, REAL_DATA


def row(code: str, name: str, identifier: str = "op") -> str:
    return f"{identifier},ACV,{name},{code},Rue A,,reconversion,Un,11,11 PLI,,,,,,,,,,,clesence-acv,,,"


def check(folder, *rows: str) -> str:
    # The shipped record (milestones, figures by operation) speaks of the shipped operations only.
    for name in ("jalons.csv", "chiffres_operations.csv"):
        (folder / name).unlink(missing_ok=True)
    path = folder / "operations.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    main(["check", str(path), "--data-dir", str(folder)])
    return path


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("59368", "La Madeleine"),
        ("02018", "Anizy-le-Grand"),
        ("62447", "Hesdin-la-Forêt"),
        ("62826", "Le Touquet-Paris-Plage"),
        ("62826", "Touquet-Paris-Plage"),  # the 2018 file's name, article left out
        ("60054", "Beaumont-les-Nonains"),  # restored in 2024
        ("60694", "Les Hauts-Talican"),
    ],
)
def test_check_accepts_today_s_codes_and_names(real_data_copy, capsys, code, name):
    check(real_data_copy, row(code, name))
    assert "0 erreur(s), 0 avertissement(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "62549",
            "« 62549 » : ancien code de Marconne, qui fait partie de Hesdin-la-Forêt depuis le 1er janvier "
            "2025 : attendu « 62447 »",
        ),
        (
            "02434",
            "« 02434 » : ancien code de Lizy, qui fait partie d'Anizy-le-Grand depuis le 1er janvier 2019 "
            ": attendu « 02018 »",
        ),
        (
            "62999",
            "« 62999 » : code INSEE inconnu parmi les communes du périmètre "
            "(départements 02, 59, 60, 62, 80)",
        ),
    ],
)
def test_check_says_which_commune_replaced_a_former_code_and_since_when(
    real_data_copy, capsys, code, message
):
    check(real_data_copy, row(code, "X"))
    assert f"operations.csv:2: code_insee: {message}" in capsys.readouterr().out


def test_a_former_name_with_today_s_code_is_a_warning_naming_today_s_name(real_data_copy, capsys):
    check(real_data_copy, row("62447", "Hesdin"), row("02360", "Guignicourt", "op2"))
    out = capsys.readouterr().out
    assert "0 erreur(s), 2 avertissement(s)" in out
    assert (
        "operations.csv:2: avertissement: commune: « Hesdin » : ancien nom ; "
        "Hesdin s'appelle Hesdin-la-Forêt depuis le 1er janvier 2025, nom retenu" in out
    )


def test_a_former_commune_now_part_of_the_code_s_commune_is_a_warning(real_data_copy, capsys):
    check(real_data_copy, row("62447", "Marconne"))
    out = capsys.readouterr().out
    assert (
        "« Marconne » : ancien nom ; Marconne fait partie de Hesdin-la-Forêt depuis le 1er janvier 2025"
        in out
    )
    assert "0 erreur(s), 1 avertissement(s)" in out


def test_a_name_of_another_commune_is_still_an_error(real_data_copy, capsys):
    check(real_data_copy, row("62447", "Arras"))
    assert "ne correspond pas au code 62447, qui est « Hesdin-la-Forêt »" in capsys.readouterr().out


def test_the_shipped_history_is_read_with_the_outlines():
    history = read_history(REAL_DATA / "communes-anciennes.csv", report := Report())
    assert report.ok
    assert (
        history.former_code("62549").notice()
        == "Marconne fait partie de Hesdin-la-Forêt depuis le 1er janvier 2025"
    )
    assert history.former_code("62447") is None  # still a code of today
    assert [f.today for f in history.former_name("hesdin")] == ["62447"]


def test_a_damaged_history_names_its_line(tmp_path):
    path = tmp_path / "communes-anciennes.csv"
    path.write_text("ancien_code,ancien_nom,code,nom,date\n62549,Marconne,62447,Hesdin-la-Forêt,1/1/2025\n")
    history = read_history(path, report := Report())
    assert "communes-anciennes.csv:2: attendu ancien_code, ancien_nom, code, nom, date remplis" in str(
        report.errors[0]
    )
    assert history == History()


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("L'Orée de Mormal", "oree de mormal"),
        ("Le Touquet-Paris-Plage", "touquet paris plage"),
        ("Lœuilly", "loeuilly"),
        ("Les Hauts-Talican", "hauts talican"),
        ("Lens", "lens"),
    ],
)
def test_name_keys_drop_case_accents_and_a_leading_article(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Le Touquet-Paris-Plage", "du Touquet-Paris-Plage"),
        ("Les Hauts-Talican", "des Hauts-Talican"),
        ("La Madeleine", "de La Madeleine"),
        ("Anizy-le-Grand", "d'Anizy-le-Grand"),
        ("Hesdin", "de Hesdin"),
    ],
)
def test_de_contracts_the_article_as_french_does(name, expected):
    assert de(name) == expected


def test_a_former_commune_s_notice_says_since_when_with_1er():
    notice = Former("62447", "Marconne", "62447", "Hesdin-la-Forêt", "2025-01-01").notice()
    assert notice == "Marconne s'appelle Hesdin-la-Forêt depuis le 1er janvier 2025"
    assert Former("62447", "Hesdin", "62447", "Hesdin-la-Forêt", "2025-01-01").renamed
