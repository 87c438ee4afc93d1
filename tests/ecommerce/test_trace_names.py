"""The public parcel trace names what it shows in the consumer's language (the portal's code lists), rather
than the codes of the customs messages."""

from __future__ import annotations

import re

from django.test import Client

from ecommerce import lifecycle
from ecommerce.examples import Parcel
from ecommerce.models import Inventory

from .senders import World
from .test_matching import KINDS, send_in_order


def _facts(page: str) -> dict[str, str]:
    return dict(re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", page))


def _released(world: World, **kwargs: object) -> Inventory:
    send_in_order(world, Parcel("ORD-N", "LN-N", **kwargs), tuple(KINDS))  # type: ignore[arg-type]
    inventory = Inventory.objects.get(order_no="ORD-N")
    lifecycle.inventories_release(ids=[inventory.pk])
    return inventory


def test_the_unit_port_and_customs_office_are_shown_by_name_in_chinese_and_english(world: World) -> None:
    _released(world, customs_code="5100")
    zh = _facts(Client().get("/ecommerce/trace/", {"order_no": "ORD-N"}).content.decode())
    assert (zh["单位"], zh["入境口岸"], zh["申报海关"]) == ("罐", "广州海关", "广州海关")
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/ecommerce/trace/", {"order_no": "ORD-N"}).content.decode()
    en = _facts(english)
    assert (en["Unit"], en["Port of entry"], en["Customs office"]) == ("can", "Guangzhou Customs", "Guangzhou Customs")


def test_a_code_the_code_lists_do_not_hold_is_shown_as_it_is(world: World) -> None:
    _released(world)  # 5165: not among the portal's customs offices
    zh = _facts(Client().get("/ecommerce/trace/", {"order_no": "ORD-N"}).content.decode())
    assert (zh["单位"], zh["入境口岸"], zh["申报海关"]) == ("罐", "5165", "5165")
