"""The classification schemes shipped with the portal (credit/reference/<key>-v<version>.json). A data
migration stores them; tests whose database was flushed store them again the same way. A version's rules
once stored never change: new rules come as a new file, a new version and a new migration.

Only a version's wording may change after it is stored — its name, its title, its source note and the labels
of its classes and rules, which firms print on their credit reports — and then a data migration brings the
stored versions to the files' wording (`wording_refresh`) and can put back what they held before
(`wording_restore`)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parent / "reference"
SHIPPED = (("public", 1), ("customs", 1), ("public", 2))


def shipped_rules(key: str, version: int) -> dict[str, Any]:
    rules: dict[str, Any] = json.loads((REFERENCE / f"{key}-v{version}.json").read_text(encoding="utf-8"))
    return rules


def load_shipped(scheme_model: Any) -> None:
    """Store every shipped version that is missing (scheme_model: the Scheme model, or its historical
    version in a migration)."""
    for key, version in SHIPPED:
        rules = shipped_rules(key, version)
        scheme_model.objects.get_or_create(
            key=key,
            version=version,
            defaults={"name": rules["name"], "effective_from": rules["effective_from"], "rules": rules},
        )


# The wording the shipped versions were stored with before migration 0015: the public scheme named by the
# seed case and the spec section it came from, and the AEO rules restating their class.
_PUBLIC_BEFORE = {"zh-hans": "公共信用（天津案例6：四色分类）",
                  "en": "Public credit, four colour classes (Tianjin case 6; SPEC S9)"}  # fmt: skip
WORDING_BEFORE: dict[tuple[str, int], dict[str, Any]] = {
    ("public", 1): {"name": _PUBLIC_BEFORE["en"], "title": _PUBLIC_BEFORE, "labels": {}},
    ("public", 2): {
        "name": "Public credit, four colour classes, v2: broken commitments (Tianjin case 6; SPEC S9)",
        "title": _PUBLIC_BEFORE,
        "labels": {},
    },
    ("customs", 1): {
        "name": "Customs credit (GACC Order 282, from 1 April 2026)",
        "title": {
            "zh-hans": "海关信用（海关总署令第282号，2026年4月1日起）",
            "en": "Customs credit (GACC Order 282, from 1 April 2026)",
        },
        "labels": {
            "aeo_certified": {"zh-hans": "经认证的经营者（认证企业）", "en": "Authorised economic operator, certified"},
            "aeo_advanced": {
                "zh-hans": "经认证的经营者（高级认证企业）",
                "en": "Authorised economic operator, advanced",
            },
        },
    },
}


def _reworded(rules: dict[str, Any], *, title: Any, source: Any, labels: dict[str, Any]) -> dict[str, Any]:
    """The rules with another title, source note and labels (classes' and rules' by key); nothing else."""
    rules = copy.deepcopy(rules)
    rules["title"] = title
    if source is None:
        rules.pop("source", None)
    else:
        rules["source"] = source
    for klass in rules["classes"]:
        klass["label"] = labels.get(klass["key"], klass["label"])
        for rule in klass["rules"]:
            rule["label"] = labels.get(rule["key"], rule["label"])
    return rules


def _reword(scheme_model: Any, wording: dict[tuple[str, int], dict[str, Any]]) -> int:
    changed = 0
    for (key, version), words in wording.items():
        scheme = scheme_model.objects.filter(key=key, version=version).first()
        if scheme is None:
            continue
        rules = _reworded(scheme.rules, title=words["title"], source=words.get("source"), labels=words["labels"])
        if (scheme.name, scheme.rules) != (words["name"], rules):
            scheme_model.objects.filter(pk=scheme.pk).update(name=words["name"], rules=rules)
            changed += 1
    return changed


def wording_refresh(scheme_model: Any) -> int:
    """Give the stored shipped versions their files' wording. Returns how many versions changed."""
    wording = {}
    for key, version in SHIPPED:
        rules = shipped_rules(key, version)
        labels = {c["key"]: c["label"] for c in rules["classes"]}
        labels |= {r["key"]: r["label"] for c in rules["classes"] for r in c["rules"]}
        wording[(key, version)] = {"name": rules["name"], "title": rules["title"], "source": rules.get("source"),
                                   "labels": labels}  # fmt: skip
    return _reword(scheme_model, wording)


def wording_restore(scheme_model: Any) -> int:
    """Put back the wording the shipped versions were stored with before (migration 0015 undone)."""
    return _reword(scheme_model, WORDING_BEFORE)
