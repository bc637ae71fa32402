"""``python -m dashboard add-user``: an argon2 hash stored, never the password; short passwords refused."""

from __future__ import annotations

import io

from dashboard import cli
from dashboard.store.db import Store, default_url


def test_add_user_stores_an_argon2_hash_that_logs_in(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("un mot de passe assez long\n"))
    state = tmp_path / "etat"
    assert cli.main(["add-user", "marie", "--state-dir", str(state), "--password-stdin"]) == 0
    store = Store(default_url(state / "gestion"))
    stored = store.password_hash("marie")
    assert stored is not None and stored.startswith("$argon2id$") and "assez long" not in stored
    assert "compte « marie » enregistré" in capsys.readouterr().out
    assert store.audit_log()[0].action == "compte local"


def test_a_short_password_changes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("court\n"))
    state = tmp_path / "etat"
    assert cli.main(["add-user", "paul", "--state-dir", str(state), "--password-stdin"]) == 2
    assert "moins de 12 caractères" in capsys.readouterr().err
    assert (
        not (state / "gestion" / "gestion.sqlite3").exists()
        or Store(default_url(state / "gestion")).password_hash("paul") is None
    )
