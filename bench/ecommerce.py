"""The figures of the cross-border e-commerce issue (SPEC S11):

- `cbec_inventories_per_s`: parcels of four messages (order, payment, waybill, inventory), each sender's
  messages shuffled and sent in signed batches of 1,000, the batches of the four senders interleaved at
  random, taken by two worker processes (as two gunicorn workers would); timed from the first batch to
  the last decision (the final sweep included), over the inventories accepted. Building and signing the batches is the senders' work and is not timed; the
  portal's is: signature, hardened parse, XSD, checks, storage, matching, quota, tax, receipts.
- `cbec_match_to_release_p99_s`: the production shape (bench/e2e.py: gunicorn, a Celery worker with its
  beat, the simulator) with customs answering each inventory 300 ms after its batch arrives; parcels
  offered at RELEASE_PARCELS_PER_S for RELEASE_SECONDS, each second's messages sent as one signed batch per
  sender in shuffled order; timed per parcel from the commit of the batch carrying its last message to
  its release (the portal taking customs' 800), p99 over every parcel.
- `quota_race_violations`: 10,000 inventories for 100 buyers each 900 yuan short of the yearly limit,
  reserved by 8 threads at once (each its own connection); a violation is a buyer above the limit or a
  buyer granted other than exactly what fits.

Each function reports (name, value, unit); Django must be set up, on a migrated database.
"""

from __future__ import annotations

import gc
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

from declarations.choices import DeliveryStatus
from declarations.models import Delivery
from ecommerce import receiving, services, tasks
from ecommerce.choices import InventoryState, MessageType, Role
from ecommerce.examples import Parcel, Parties, parcel_messages
from ecommerce.messages import batch_bytes
from ecommerce.models import EnterpriseFiling, Inventory, QuotaLedger
from ecommerce.quota import Want, quota_reserve, quota_year
from singlewindow.choices import OrganisationKind
from singlewindow.models import Organisation, User
from singlewindow.signatures import new_private_text, private_key, public_text, sign, signing_key_id

Report = Callable[[str, float, str], None]
PARCELS = 10_000
BATCH = 1_000
BUYERS = 100
RACE_INVENTORIES = 10_000
WORKERS = 2  # the portal's processes on the 2-core machine
RELEASE_PARCELS_PER_S = 100
RELEASE_SECONDS = 20
CUSTOMS_ANSWER_MS = 300


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
        User.objects.create(username=f"cbec-{code}".lower(), organisation=org)  # who posts its batches
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


def _signed_batches(run: str, parties: Parties, senders: dict[str, tuple[Organisation, str]]) -> list[Any]:
    """Each sender's messages shuffled and signed in batches of BATCH, the batches of all senders shuffled:
    the senders' work, outside the timing."""
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
    return batches


def throughput(report: Report) -> None:
    run = uuid.uuid4().hex[:8].upper()
    parties, senders = _world(run)
    batches = _signed_batches(run, parties, senders)
    # The senders' forty thousand message trees are gone with _signed_batches: freed before the workers
    # fork, so that they do not inherit them (kept alive, they made the workers' own work a third slower).
    gc.collect()
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


def _release_p99(report: Report) -> None:
    from . import e2e

    run = uuid.uuid4().hex[:8].upper()
    parties, senders = _world(run)
    keys = {role: private_key(private) for role, (_org, private) in senders.items()}
    # The throughput figure's branches were queued with no worker: not this run's load.
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(status=DeliveryStatus.CANCELLED)
    last_at: dict[str, float] = {}  # order number → when the batch with its last message committed
    with e2e.production_shape():
        e2e.configure_simulator({"delay_ms": CUSTOMS_ANSWER_MS, "duties": False}, only="customs")
        start = time.monotonic()
        for second in range(RELEASE_SECONDS):
            batches = []
            for n in range(second * RELEASE_PARCELS_PER_S, (second + 1) * RELEASE_PARCELS_PER_S):
                buyer = f"2201011990{n:08d}"
                messages = parcel_messages(Parcel(f"{run}-R{n}", f"{run}RL{n}", buyer_id=buyer), parties)
                for kind, element in messages.items():
                    batches.append((SENDER[kind], f"{run}-R{n}", element))
            by_role: dict[str, list[Any]] = {}
            for role, order_no, element in batches:
                by_role.setdefault(role, []).append((order_no, element))
            roles = list(by_role)
            random.shuffle(roles)
            for role in roles:
                org, _private = senders[role]
                body = batch_bytes([element for _no, element in by_role[role]])
                receiving.batch_receive(sender=org, body=body, key_id=signing_key_id(keys[role]),
                                        signature=sign(body, keys[role]))  # fmt: skip
                committed = time.time()
                for order_no, _element in by_role[role]:
                    last_at[order_no] = committed
            time.sleep(max(0.0, start + second + 1 - time.monotonic()))
        deadline = time.monotonic() + 120
        rows = Inventory.objects.filter(agent_code=parties.declarant)
        while time.monotonic() < deadline and rows.filter(state=InventoryState.RELEASED).count() < len(last_at):
            time.sleep(0.5)
        released = dict(rows.filter(state=InventoryState.RELEASED).values_list("order_no", "released_at"))
    if len(released) < len(last_at):
        raise RuntimeError(f"only {len(released)} of {len(last_at)} inventories were released in time")
    latencies = sorted(when.timestamp() - last_at[no] for no, when in released.items() if when is not None)
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]
    print(f"bench-note: cbec release p50 {p50:.2f}s max {latencies[-1]:.2f}s over {len(latencies)} parcels "
          f"offered at {RELEASE_PARCELS_PER_S}/s", flush=True)  # fmt: skip
    report("cbec_match_to_release_p99_s", round(p99, 2), "s")


def figures(setup: dict[str, Any], report: Report) -> None:
    throughput(report)
    quota_race(report)
    _release_p99(report)
