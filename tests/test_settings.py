from __future__ import annotations

import stat
from pathlib import Path

import pytest

from search_service.settings import DEFAULT_FEEDBACK_RATE, Settings, SettingsError


def test_defaults_follow_the_contract(tmp_path: Path) -> None:
    settings = Settings.from_env({}, project_dir=tmp_path)
    assert settings.data_dir == tmp_path / "var"
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'feedback.db'}"
    assert settings.feedback_rate == DEFAULT_FEEDBACK_RATE == "10/minute"


def test_environment_is_read_and_a_flag_wins(tmp_path: Path) -> None:
    env = {"ATLAS_DATA_DIR": str(tmp_path / "env"), "ATLAS_FEEDBACK_RATE": "3/hour", "ATLAS_SECRET_KEY": "s3cret"}
    assert Settings.from_env(env).data_dir == tmp_path / "env"
    assert Settings.from_env(env, data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"
    settings = Settings.from_env(env)
    assert (settings.feedback_rate, settings.secret_key) == ("3/hour", "s3cret")


def test_postgres_url_is_accepted_and_others_refused(tmp_path: Path) -> None:
    url = "postgresql://atlas@127.0.0.1:5432/atlas"
    assert Settings.from_env({"ATLAS_DATABASE_URL": url}, project_dir=tmp_path).database_url == url
    with pytest.raises(SettingsError, match="ATLAS_DATABASE_URL"):
        Settings.from_env({"ATLAS_DATABASE_URL": "mysql://x"}, project_dir=tmp_path)


def test_a_bad_rate_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="ATLAS_FEEDBACK_RATE"):
        Settings.from_env({"ATLAS_FEEDBACK_RATE": "lots"}, project_dir=tmp_path)


def test_secret_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    first = Settings.from_env({}, project_dir=tmp_path).with_secret()
    second = Settings.from_env({}, project_dir=tmp_path).with_secret()
    assert first.secret_key and first.secret_key == second.secret_key
    mode = stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_unknown_override_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="colour"):
        Settings.from_env({}, project_dir=tmp_path, colour="red")
