"""The classification schemes shipped with the portal (credit/reference/<key>-v<version>.json). A data
migration stores them; tests whose database was flushed store them again the same way. A version once
stored never changes: new rules come as a new file, a new version and a new migration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parent / "reference"
SHIPPED = (("public", 1), ("customs", 1), ("public", 2))


def load_shipped(scheme_model: Any) -> None:
    """Store every shipped version that is missing (scheme_model: the Scheme model, or its historical
    version in a migration)."""
    for key, version in SHIPPED:
        rules = json.loads((REFERENCE / f"{key}-v{version}.json").read_text(encoding="utf-8"))
        scheme_model.objects.get_or_create(
            key=key,
            version=version,
            defaults={"name": rules["name"], "effective_from": rules["effective_from"], "rules": rules},
        )
