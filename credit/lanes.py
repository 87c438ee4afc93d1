"""The risk lane a declaration gets when it is frozen (S9 differentiated supervision; ASYCUDA's
selectivity): the firm's customs class decides the release mode and the inspection rate, and a seeded
random draw per declaration selects it for inspection or not. The draw is reproducible: the seed, the
declaration's number and version decide it, and every criterion is stored with the declaration."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from singlewindow.prepared import prepared

from .models import Classification, Scheme

FALLBACK = {"release_mode": "on_verification", "inspection_rate": 0.05}  # no customs scheme loaded


@dataclass(frozen=True)
class Lane:
    klass: str
    release_mode: str
    inspection_rate: float
    draw: float
    inspect: bool

    def as_payload(self) -> dict[str, Any]:
        """What is frozen with the declaration and sent to the agencies."""
        return {
            "credit_class": self.klass,
            "release_mode": self.release_mode,
            "inspect": self.inspect,
            "criteria": [
                {"criterion": "credit_class", "value": self.klass, "inspection_rate": self.inspection_rate},
                {"criterion": "random", "draw": round(self.draw, 6), "selected": self.inspect},
            ],
        }


@lru_cache(maxsize=32)
def _lanes(scheme_id: int) -> dict[str, Any]:
    """A scheme version's lanes (versions never change once stored)."""
    return dict(Scheme.objects.values_list("rules", flat=True).get(pk=scheme_id).get("lanes", {}))


def draw(key: str) -> float:
    """A number in [0, 1) from the seed and the key alone: the same declaration draws the same."""
    digest = hashlib.sha256(f"{settings.RISK_SEED}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@prepared  # every submission asks it
def _current(*, uscc: str) -> QuerySet[Classification, tuple[str, int]]:
    current = Classification.objects.filter(uscc=uscc, scheme_key="customs", current=True)
    return current.values_list("klass", "scheme_id")[:1]


@prepared
def _latest_scheme(*, key: str) -> QuerySet[Scheme, tuple[int, Any]]:
    return Scheme.objects.filter(key=key).order_by("-version").values_list("id", "rules__default")[:1]


def lane_for(*, uscc: str, key: str) -> Lane:
    """The lane for a declaration of the firm with this USCC; key names the declaration's version."""
    found = _current.first(uscc=uscc)
    if found is None:
        latest = _latest_scheme.first(key="customs")
        klass, lanes = (str(latest[1]), _lanes(latest[0])) if latest else ("regular", {})
    else:
        klass, lanes = found[0], _lanes(found[1])
    spec = lanes.get(klass, FALLBACK)
    value = draw(key)
    rate = float(spec["inspection_rate"])
    return Lane(klass=klass, release_mode=spec["release_mode"], inspection_rate=rate, draw=value, inspect=value < rate)
