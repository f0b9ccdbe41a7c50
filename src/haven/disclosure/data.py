"""Loading the programme's packaged YAML data files (``sla.yaml``, ``rewards.yaml``)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from haven.disclosure.errors import ProgrammeDataError


def load(name: str) -> dict[str, Any]:
    """The packaged file ``name`` as a mapping with a string ``version``."""
    text = resources.files("haven.disclosure").joinpath(name).read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise ProgrammeDataError(f"{name}: a mapping with a string version is needed")
    return data
