"""The base of every refusal a service raises; the API and pages turn it into a localised answer."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user can act on; str(error) is the localised reason."""

    status_code = 409
    code = "conflict"
    field = ""

    def problems(self) -> list[dict[str, str]]:
        return [{"field": self.field, "code": self.code, "message": str(self)}]
