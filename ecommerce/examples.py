"""A parcel's four messages as a real sender would build them (tests, the benchmark, the demo): the
order, payment, waybill and inventory agree unless a caller changes a value."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree

from .choices import MessageType
from .messages import message_xml


def new_guid() -> str:
    return str(uuid.uuid4()).upper()


@dataclass
class Parties:
    """The codes of the firms a parcel names."""

    platform: str = "PLAT000001"
    seller: str = "SELL000001"
    payment: str = "PAYF000001"
    logistics: str = "LOGI000001"
    declarant: str = "DECL000001"


@dataclass
class Parcel:
    order_no: str
    logistics_no: str
    buyer_id: str = "110101199001011234"
    buyer_name: str = "张三"
    payer_id: str = ""  # the buyer's, unless given
    payer_name: str = ""
    items: list[dict[str, Any]] = field(default_factory=lambda: [
        {"itemNo": "SKU-MILK-1", "gcode": "1901101000", "gname": "婴幼儿配方奶粉", "qty": "2", "price": "150.00"}])  # fmt: skip
    freight: Decimal = Decimal("10.00")
    trade_mode: str = "9610"
    pay_transaction_id: str = ""
    identity_check: str = ""
    consignee_address: str = "广东省广州市南沙区港前大道1号"
    waybill_consignee_address: str = ""
    amount_paid: Decimal | None = None
    customs_code: str = "5165"

    def goods_value(self) -> Decimal:
        return sum((Decimal(i["price"]) * Decimal(i["qty"]) for i in self.items), Decimal(0)).quantize(Decimal("0.01"))


def _common(guid: str) -> dict[str, Any]:
    return {"guid": guid, "appType": "1", "appTime": "20261205100000", "appStatus": "2"}


def parcel_messages(p: Parcel, parties: Parties | None = None) -> dict[str, etree._Element]:
    """Order, payment, waybill and inventory of one parcel, keyed by message type."""
    f = parties or Parties()
    goods = p.goods_value()
    tax = Decimal(0)
    paid = goods + p.freight + tax
    tx = p.pay_transaction_id or f"TX{p.order_no}"
    order_lines = [{"gnum": n, "itemNo": i["itemNo"], "itemName": i["gname"], "gmodel": i.get("gmodel", "900g"),
                    "barCode": "4901234567894", "unit": "122", "qty": i["qty"], "price": i["price"],
                    "totalPrice": (Decimal(i["price"]) * Decimal(i["qty"])).quantize(Decimal("0.01")),
                    "currency": "142", "country": "116"} for n, i in enumerate(p.items, 1)]  # fmt: skip
    order = message_xml(MessageType.ORDER, {
        **_common(new_guid()), "orderType": "I", "orderNo": p.order_no, "ebpCode": f.platform, "ebpName": "跨境平台",
        "ebcCode": f.seller, "ebcName": "海外旗舰店", "goodsValue": goods, "freight": p.freight, "discount": "0",
        "taxTotal": tax, "acturalPaid": paid, "currency": "142", "buyerRegNo": "buyer-1", "buyerName": p.buyer_name,
        "buyerTelephone": "13800000000", "buyerIdType": "1", "buyerIdNumber": p.buyer_id, "payCode": f.payment,
        "payTransactionId": tx, "consignee": p.buyer_name, "consigneeTelephone": "13800000000",
        "consigneeAddress": p.consignee_address}, order_lines, cop_code=f.platform)  # fmt: skip
    payment = message_xml(MessageType.PAYMENT, {
        **_common(new_guid()), "payCode": f.payment, "payName": "支付公司", "payTransactionId": tx,
        "orderNo": p.order_no, "ebpCode": f.platform, "ebpName": "跨境平台", "payerIdType": "1",
        "payerIdNumber": p.payer_id or p.buyer_id, "payerName": p.payer_name or p.buyer_name,
        "amountPaid": paid if p.amount_paid is None else p.amount_paid, "currency": "142",
        "payTime": "20261205095900", "identityCheck": p.identity_check}, cop_code=f.payment)  # fmt: skip
    waybill = message_xml(MessageType.WAYBILL, {
        **_common(new_guid()), "logisticsCode": f.logistics, "logisticsName": "国际物流", "logisticsNo": p.logistics_no,
        "freight": p.freight, "insuredFee": "0", "currency": "142", "weight": "1.2", "packNo": "1",
        "consignee": p.buyer_name, "consigneeAddress": p.waybill_consignee_address or p.consignee_address,
        "consigneeTelephone": "13800000000"}, cop_code=f.logistics)  # fmt: skip
    inventory_lines = [{"gnum": n, "itemNo": i["itemNo"], "gcode": i["gcode"], "gname": i["gname"],
                        "gmodel": i.get("gmodel", "900g"), "barCode": "4901234567894", "country": "116",
                        "currency": "142", "qty": i["qty"], "unit": "122", "qty1": i["qty"], "unit1": "035",
                        "price": i["price"], "totalPrice": line["totalPrice"]}
                       for n, (i, line) in enumerate(zip(p.items, order_lines, strict=True), 1)]  # fmt: skip
    inventory = message_xml(MessageType.INVENTORY, {
        **_common(new_guid()), "orderNo": p.order_no, "ebpCode": f.platform, "ebpName": "跨境平台",
        "ebcCode": f.seller, "ebcName": "海外旗舰店", "logisticsNo": p.logistics_no, "logisticsCode": f.logistics,
        "logisticsName": "国际物流", "copNo": f"COP{p.order_no}"[:20], "assureCode": f.declarant,
        "emsNo": "T5165W000001" if p.trade_mode == "1210" else "", "ieFlag": "I", "declTime": "20261205",
        "customsCode": p.customs_code, "portCode": p.customs_code, "ieDate": "20261205", "buyerIdType": "1",
        "buyerIdNumber": p.buyer_id, "buyerName": p.buyer_name, "buyerTelephone": "13800000000",
        "consigneeAddress": p.consignee_address, "agentCode": f.declarant, "agentName": "报关企业",
        "tradeMode": p.trade_mode, "trafMode": "5", "country": "116", "freight": p.freight, "insuredFee": "0",
        "currency": "142", "packNo": "1", "grossWeight": "1.2", "netWeight": "1.0"}, inventory_lines,
        cop_code=f.declarant)  # fmt: skip
    return {MessageType.ORDER: order, MessageType.PAYMENT: payment, MessageType.WAYBILL: waybill,
            MessageType.INVENTORY: inventory}  # fmt: skip
