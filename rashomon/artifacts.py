"""Trained artifacts: JSON files shipped inside the package, or written by a training script."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any


def load_json_artifact(package: str, default: str, path: str | Path | None = None) -> Any:
    """The JSON at ``path``, or the one shipped as ``default`` inside ``package`` when no path is given."""
    if path is None:
        text = resources.files(package).joinpath(default).read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return json.loads(text)
