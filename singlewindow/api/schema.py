"""drf-spectacular postprocessing: every operation documents the refusals it can answer with, in the API's
one error shape ({"errors": [{field, code, message}]}, singlewindow/api/exceptions.py)."""

from __future__ import annotations

from typing import Any

ERRORS = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}},
            },
        }
    },
}
# Any operation: a malformed request (400), no or a bad token (401), not allowed or the second factor still
# owed (403), not found (404, an unknown page of a list too), no acceptable media type (406), throttled (429).
REFUSALS = {
    "400": "The request is malformed or its values are refused.",
    "401": "No credentials, or an unknown, expired or revoked token.",
    "403": "Not allowed.",
    "404": "Not found, or not yours to see.",
    "406": "None of the media types in Accept can be answered.",
    "429": "Too many requests (or too many unknown tokens from your address): wait for Retry-After seconds.",
}
# An operation taking a body: larger than the portal takes (413), or of a media type it does not (415).
BODY_REFUSALS = {
    "413": "The request body is too large.",
    "415": "The request body's media type is not one the operation takes.",
}
# A write may also conflict with the object's state (a service's refusal, singlewindow/errors.py).
CONFLICT = {"409": "Refused in the object's present state."}
# An operation taking an Idempotency-Key refuses a key already used for another request
# (singlewindow/idempotency.py).
KEY_REUSED = {"422": "This Idempotency-Key was already used for a different request."}
WRITES = {"post", "put", "patch", "delete"}


def document_refusals(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Errors"] = ERRORS
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            takes_key = any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", []))
            refusals = {
                **REFUSALS,
                **(BODY_REFUSALS if "requestBody" in operation else {}),
                **(CONFLICT if method in WRITES else {}),
                **(KEY_REUSED if takes_key else {}),
            }
            for code, description in refusals.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
                    },
                )
    return result
