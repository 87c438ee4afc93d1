"""The figures of the cross-border e-commerce issue (SPEC S11):

- `cbec_inventories_per_s`: parcels of four messages (order, payment, waybill, inventory), each sender's
  messages shuffled and sent in signed batches of 1,000, the batches of the four senders interleaved at
  random, taken by two worker processes (as two gunicorn workers would); timed from the first batch to
  the last decision (the final sweep included), over the inventories accepted. Building and signing the batches is the senders' work and is not timed; the
  portal's is: signature, hardened parse, XSD, checks, storage, matching, quota, tax, receipts.
- `quota_race_violations`: 10,000 inventories for 100 buyers each 900 yuan short of the yearly limit,
  reserved by 8 threads at once (each its own connection); a violation is a buyer above the limit or a
  buyer granted other than exactly what fits.

Each function reports (name, value, unit); Django must be set up, on a migrated database.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ecommerce import receiving, services, tasks
from ecommerce.choices import InventoryState, MessageType, Role
from ecommerce.examples import Parcel, Parties, parcel_messages
from ecommerce.messages import batch_bytes
from ecommerce.models import EnterpriseFiling, Inventory, QuotaLedger
from ecommerce.quota import Want, quota_reserve, quota_year
from singlewindow.choices import OrganisationKind
from singlewindow.models import Organisation
from singlewindow.signatures import new_private_text, private_key, public_text, sign, signing_key_id

Report = Callable[[str, float, str], None]
PARCELS = 10_000
BATCH = 1_000
BUYERS = 100
RACE_INVENTORIES = 10_000
WORKERS = 2  # the portal's processes on the 2-core machine


def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91440{n:012d}"[:17]
    return body + uscc.calc_check_digit(body)


def _world(run: str) -> tuple[Parties, dict[str, tuple[Organisation, str]]]:
    parties = Parties(*(f"{prefix}{run}" for prefix in ("P", "S", "Y", "L", "D")))
    senders: dict[str, tuple[Organisation, str]] = {}
    base = random.randint(1, 10**10)
    for n, (role, code) in enumerate(((Role.PLATFORM, parties.platform), (Role.SELLER, parties.seller),
                                      (Role.PAYMENT, parties.payment), (Role.LOGISTICS, parties.logistics),
                                      (Role.DECLARANT, parties.declarant))):  # fmt: skip
        org = Organisation.objects.create(kind=OrganisationKind.ENTERPRISE, name=f"CBEC bench {code}",
                                          uscc=_uscc(base + n))  # fmt: skip
        services.enterprise_file(organisation=org, role=role, code=code)
        private = new_private_text()
        services.sender_key_add(organisation=org, public_key_text=public_text(private))
        senders[role] = (org, private)
    seller = EnterpriseFiling.objects.get(code=parties.seller)
    services.product_file(seller=seller, item_no="SKU-MILK-1", hs_code="1901101000", name="婴幼儿配方奶粉",
                          origin="116", producer="Morinaga", brand="森永", model="900g")  # fmt: skip
    return parties, senders


def _receive(batches: list[tuple[Organisation, bytes, str, str]]) -> None:
    """One worker's share of the batches, in order (as one gunicorn worker would take them)."""
    connection.close()
    for org, body, key_id, signature in batches:
        receiving.batch_receive(sender=org, body=body, key_id=key_id, signature=signature)
    connection.close()


SENDER: dict[str, str] = {MessageType.ORDER: Role.PLATFORM, MessageType.PAYMENT: Role.PAYMENT, MessageType.WAYBILL: Role.LOGISTICS,
          MessageType.INVENTORY: Role.DECLARANT}  # fmt: skip


def throughput(report: Report) -> None:
    run = uuid.uuid4().hex[:8].upper()
    parties, senders = _world(run)
    by_sender: dict[str, list[Any]] = {role: [] for role in SENDER.values()}
    for n in range(PARCELS):
        buyer = f"1101011990{n % 5000:08d}"
        for kind, element in parcel_messages(Parcel(f"{run}-{n}", f"{run}L{n}", buyer_id=buyer), parties).items():
            by_sender[SENDER[kind]].append(element)
    batches = []
    for role, elements in by_sender.items():
        random.shuffle(elements)
        org, private = senders[role]
        key = private_key(private)
        for start in range(0, len(elements), BATCH):
            body = batch_bytes(elements[start : start + BATCH])
            batches.append((org, body, signing_key_id(key), sign(body, key)))
    random.shuffle(batches)
    connection.close()  # each worker process opens its own
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        pool.map(_receive, [batches[n::WORKERS] for n in range(WORKERS)])
    tasks.sweep()  # what a batch could not see of a racing one's, as the beat sweep would
    elapsed = time.perf_counter() - started
    accepted = Inventory.objects.filter(agent_code=parties.declarant, state=InventoryState.ACCEPTED).count()
    print(f"bench-note: cbec {accepted}/{PARCELS} accepted in {elapsed:.1f}s", flush=True)
    report("cbec_inventories_per_s", round(accepted / elapsed, 1), "per_s")


def quota_race(report: Report) -> None:
    run = uuid.uuid4().hex[:6].upper()
    year = quota_year(timezone.now())
    buyers = [f"RACE{run}{n:04d}" for n in range(BUYERS)]
    QuotaLedger.objects.bulk_create([QuotaLedger(buyer_id_number=b, year=year, used=Decimal("25100")) for b in buyers])
    wants = [Want(n, buyers[n % BUYERS], year, Decimal("300")) for n in range(RACE_INVENTORIES)]
    random.shuffle(wants)
    chunks = [wants[start : start + 100] for start in range(0, len(wants), 100)]
    granted: list[Want] = []
    lock = threading.Lock()

    def work(mine: list[list[Want]]) -> None:
        try:
            for chunk in mine:
                with transaction.atomic():
                    answer = quota_reserve(chunk)
                with lock:
                    granted.extend(w for w in chunk if answer[w.key] is None)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(chunks[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    per_buyer = {b: 0 for b in buyers}
    for want in granted:
        per_buyer[want.buyer] += 1
    over = QuotaLedger.objects.filter(buyer_id_number__in=buyers, year=year, reserved__gt=Decimal("900")).count()
    wrong = sum(1 for count in per_buyer.values() if count != 3)  # 900 left: three of 300 fit
    report("quota_race_violations", over + wrong, "count")


def figures(setup: dict[str, Any], report: Report) -> None:
    throughput(report)
    quota_race(report)
