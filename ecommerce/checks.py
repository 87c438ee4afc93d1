"""What one message must satisfy on its own, once its schema has passed: the sums of the real messages
(acturalPaid, totalPrice = price × qty), numbering, weights, the account book of a bonded inventory.
Each returns a refusal (code, params) or None; no database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .choices import MessageType, TradeMode

Refusal = tuple[str, dict[str, Any]]
CENT = Decimal("0.01")


def _d(value: str) -> Decimal:
    return Decimal(value or "0")


def _lines_numbered(lines: list[dict[str, str]]) -> bool:
    return [int(line["gnum"]) for line in lines] == list(range(1, len(lines) + 1))


def _totals(lines: list[dict[str, str]]) -> Refusal | None:
    for line in lines:
        if abs(_d(line["price"]) * _d(line["qty"]) - _d(line["totalPrice"])) >= CENT:
            return "total_price", {"gnum": line["gnum"]}
    return None


def message_refusal(kind: str, head: dict[str, str], lines: list[dict[str, str]]) -> Refusal | None:
    if head.get("appType") != "1" and kind in (MessageType.CANCEL, MessageType.RETURN):
        return "app_type", {}  # a change (2) or a deletion (3) of the others: ecommerce/amendments.py
    if kind == MessageType.ORDER:
        due = _d(head["goodsValue"]) + _d(head["freight"]) + _d(head["taxTotal"]) - _d(head["discount"])
        if due != _d(head["acturalPaid"]):
            return "actural_paid", {}
        if not _lines_numbered(lines):
            return "gnum", {}
        if (refused := _totals(lines)) is not None:
            return refused
        if sum((_d(line["totalPrice"]) for line in lines), Decimal(0)) != _d(head["goodsValue"]):
            return "goods_value", {}
    elif kind == MessageType.INVENTORY:
        if _d(head["grossWeight"]) < _d(head["netWeight"]):
            return "weights", {}
        if not _lines_numbered(lines):
            return "gnum", {}
        if head["tradeMode"] == TradeMode.BONDED and not head.get("emsNo"):
            return "ems_no", {}
        return _totals(lines)
    return None
