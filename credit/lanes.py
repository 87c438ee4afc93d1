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
from django.db.models import QuerySet, Subquery

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
def _classes(*, uscc: str) -> QuerySet[Scheme, tuple[int, Any, str | None, int | None]]:
    """The latest customs scheme (its id and the class of a firm it has not classified) and the firm's current
    class with its scheme, in one query."""
    current = Classification.objects.filter(uscc=uscc, scheme_key="customs", current=True)
    latest = Scheme.objects.filter(key="customs").order_by("-version")
    return latest.annotate(
        klass_now=Subquery(current.values("klass")[:1]), scheme_now=Subquery(current.values("scheme_id")[:1])
    ).values_list("id", "rules__default", "klass_now", "scheme_now")[:1]


def lane_for(*, uscc: str, key: str) -> Lane:
    """The lane for a declaration of the firm with this USCC; key names the declaration's version."""
    found = _classes.first(uscc=uscc)  # none: no customs scheme (nor any class under one) yet
    if found is None:
        klass, lanes = "regular", {}
    elif found[2] is None:  # not classified: the scheme's default class
        klass, lanes = str(found[1]), _lanes(found[0])
    else:
        klass, lanes = found[2], _lanes(found[3])
    spec = lanes.get(klass, FALLBACK)
    value = draw(key)
    rate = float(spec["inspection_rate"])
    return Lane(klass=klass, release_mode=spec["release_mode"], inspection_rate=rate, draw=value, inspect=value < rate)
