"""The programme's settings: defaults, the environment, and unsafe addresses refused at
start-up with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from haven.settings import SettingsError, load_settings


def test_defaults_and_the_environment(tmp_path: Path) -> None:
    defaults = load_settings(None, {"HAVEN_DATA_DIR": str(tmp_path)})
    assert (defaults.security_contact, defaults.security_policy_url) == (None, None)
    assert (defaults.security_base_url, defaults.security_languages) == (None, "en")
    chosen = load_settings(
        None,
        {
            "HAVEN_DATA_DIR": str(tmp_path),
            "HAVEN_SECURITY_CONTACT": "tel:+44-20-7946-0000",
            "HAVEN_SECURITY_POLICY_URL": "https://clips.example/security",
            "HAVEN_SECURITY_BASE_URL": "https://haven.clips.example/",
            "HAVEN_SECURITY_LANGUAGES": "en,pt-BR",
        },
    )
    assert chosen.security_contact == "tel:+44-20-7946-0000"
    assert chosen.security_languages == "en,pt-BR"


def test_the_config_file_takes_them_too(tmp_path: Path) -> None:
    config = tmp_path / "haven.yaml"
    config.write_text("security_contact: mailto:security@clips.example\n")
    settings = load_settings(config, {"HAVEN_DATA_DIR": str(tmp_path)})
    assert settings.security_contact == "mailto:security@clips.example"


@pytest.mark.parametrize(
    ("variable", "value", "key"),
    [
        ("HAVEN_SECURITY_CONTACT", "security@clips.example", "security_contact"),
        ("HAVEN_SECURITY_CONTACT", "http://clips.example/security", "security_contact"),
        ("HAVEN_SECURITY_POLICY_URL", "mailto:a@b.example", "security_policy_url"),
        ("HAVEN_SECURITY_BASE_URL", "http://haven.example", "security_base_url"),
        ("HAVEN_SECURITY_BASE_URL", "https://haven.example/a b", "security_base_url"),
        ("HAVEN_SECURITY_LANGUAGES", "english please", "security_languages"),
        ("HAVEN_SECURITY_LANGUAGES", "en,,fr", "security_languages"),
    ],
)
def test_unsafe_values_are_refused(tmp_path: Path, variable: str, value: str, key: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(None, {"HAVEN_DATA_DIR": str(tmp_path), variable: value})
    assert refused.value.data["key"] == key
