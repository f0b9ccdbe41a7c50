"""Settings: defaults, file, environment, and every bad value refused with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from haven.settings import SettingsError, load_settings


def test_the_default_is_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    settings = load_settings(None, {"HAVEN_DATA_DIR": str(tmp_path)})
    # load_settings reads the data directory from the process environment, like data_dir().
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_kind == "sqlite"


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    config = tmp_path / "haven.yaml"
    config.write_text("database_url: sqlite:///from-file.sqlite3\n")
    assert load_settings(config, {}).database_url == "sqlite:///from-file.sqlite3"
    settings = load_settings(config, {"HAVEN_DATABASE_URL": "postgres://u@h:5432/d"})
    assert settings.database_url == "postgresql+psycopg://u@h:5432/d"
    assert settings.database_kind == "postgresql"


def test_haven_config_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "haven.yaml"
    config.write_text("database_url: postgresql://u@h/d\n")
    assert load_settings(None, {"HAVEN_CONFIG": str(config)}).database_kind == "postgresql"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("database_url: sqlite:///x\nworkers: 3\n", "unknown settings"),
        ("- a list\n", "mapping"),
        ("database_url: [1, 2]\n", "must be a string"),
        ("database_url: 'oracle://x'\n", "not supported"),
        ("a: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_files_are_refused(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "haven.yaml"
    config.write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_settings(config, {})


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings(tmp_path / "nope.yaml", {})
