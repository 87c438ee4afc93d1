"""The agency simulator, used the way the portal uses it: a real subprocess over real HTTP, with a tiny
receipt sink in this process standing in for the portal's receipts endpoint.

No database: nothing here asks for the db fixture.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from singlewindow.signatures import (
    development_private_text,
    key_id,
    private_key,
    public_key,
    public_text,
    signing_key_id,
    verify,
)
from singlewindow.signatures import sign as signature

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "agencies" / "schemas"
# The keys this test's simulator is started with: the portal's, and each agency's (not the development keys).
KEYS = {
    name: development_private_text(f"simulator test: {name}") for name in ("portal", "customs", "inspection", "port")
}
KEYS_ENV = {
    "PORTAL_PUBLIC_KEY": public_text(KEYS["portal"]),
    **{f"AGENCY_{name.upper()}_PRIVATE_KEY": key for name, key in KEYS.items() if name != "portal"},
}
R = "{urn:singlewindow:receipt:1}"
CUSTOMS_NS = "urn:singlewindow:customs:declaration:1"
INSPECTION_NS = "urn:singlewindow:inspection:declaration:1"
RELEASE_WITH_DUTIES = ["received", "accepted", "duties_assessed", "payment", "released"]


def sign(body: bytes, key: str = KEYS["portal"]) -> dict[str, str]:
    """The headers of `body` signed as the portal signs its messages (or with another key)."""
    private = private_key(key)
    return {"X-Key-Id": signing_key_id(private), "X-Signature": signature(body, private)}


def signed_by_agency(body: bytes, headers: Any, agency: str) -> bool:
    """Whether a receipt batch carries `agency`'s signature and key id."""
    public = public_text(KEYS[agency])
    return headers["X-Key-Id"] == key_id(public) and verify(body, headers["X-Signature"], public_key(public))


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}.xsd")))


# --- hand-written messages (checked against the agencies' schemas, so they are what the portal sends) ---


def customs_message(
    message_id: str, lines: list[tuple[str, str]] | None = None, *, trade_country: str = "USA"
) -> bytes:
    """A customs DecMessage: one DecHead, one DecList per (CodeTS, DeclTotal)."""
    lines = lines or [("0101210010", "1000.00")]
    goods = "".join(
        f'<DecList LineNo="{n}"><CodeTS>{code}</CodeTS><GName>goods {n}</GName><DeclTotal>{total}</DeclTotal></DecList>'
        for n, (code, total) in enumerate(lines, 1)
    )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<DecMessage xmlns="{CUSTOMS_NS}" MessageId="{message_id}" '
        f'PreEntryNo="220020261000000001" Version="1" Direction="import">'
        f"<DecHead><BillNo>BL-1</BillNo><TradeCountry>{trade_country}</TradeCountry></DecHead>{goods}</DecMessage>"
    ).encode()
    schema("customs").assertValid(etree.fromstring(body))
    return body


def inspection_message(message_id: str, codes: list[str]) -> bytes:
    goods = "".join(f'<InspGoods LineNo="{n}"><HsCode>{code}</HsCode></InspGoods>' for n, code in enumerate(codes, 1))
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<InspMessage xmlns="{INSPECTION_NS}" MessageId="{message_id}" '
        f'PreEntryNo="220020261000000001" Version="1" Direction="import">'
        f"<InspHead><BillLadNo>BL-1</BillLadNo></InspHead>{goods}</InspMessage>"
    ).encode()
    schema("inspection").assertValid(etree.fromstring(body))
    return body


# --- the receipt sink: the portal's receipts endpoint, reduced to a recorder ---


@dataclass
class Batch:
    body: bytes
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


@dataclass
class Receipt:
    receipt_id: str
    agency: str
    message_id: str
    sequence: int
    issued_at: datetime
    status: str
    reason: str | None
    field: str | None
    goods: str | None
    result: str | None
    duties: Decimal | None
    payment: str | None
    batch: int  # index of the request that carried it
    at: float


def _text(element: Any, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.text


@dataclass
class Sink:
    batches: list[Batch] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to answer first; then 202
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v1/agency-gateway/receipts/"

    def clear(self) -> None:
        with self.lock:
            self.batches.clear()
            self.answers.clear()

    def receipts(self) -> list[Receipt]:
        """Every receipt that arrived (including refused batches), in arrival order."""
        with self.lock:
            batches = list(self.batches)
        out = []
        for index, batch in enumerate(batches):
            for element in etree.fromstring(batch.body):
                duties = _text(element, R + "Duties")
                out.append(
                    Receipt(
                        receipt_id=_text(element, R + "ReceiptId"),
                        agency=_text(element, R + "Agency"),
                        message_id=_text(element, R + "MessageId"),
                        sequence=int(_text(element, R + "Sequence")),
                        issued_at=datetime.fromisoformat(_text(element, R + "IssuedAt")),
                        status=_text(element, R + "Status"),
                        reason=_text(element, R + "Reason"),
                        field=_text(element, R + "Field"),
                        goods=_text(element, f"{R}Inspection/{R}Goods"),
                        result=_text(element, f"{R}Inspection/{R}Result"),
                        duties=Decimal(duties) if duties else None,
                        payment=_text(element, R + "Payment"),
                        batch=index,
                        at=batch.at,
                    )
                )
        return out

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Receipt]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(received := self.receipts()) >= count:
                return received
            time.sleep(0.01)
        return self.receipts()


def _sink_handler(sink: Sink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like the portal behind gunicorn or runserver

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with sink.lock:
                sink.batches.append(Batch(body, dict(self.headers.items()), time.monotonic()))
                status = sink.answers.pop(0) if sink.answers else 202
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    recorder = Sink()
    recorder.server = ThreadingHTTPServer(("127.0.0.1", 0), _sink_handler(recorder))
    recorder.server.daemon_threads = True
    thread = threading.Thread(target=recorder.server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    recorder.server.shutdown()
    recorder.server.server_close()


@pytest.fixture(scope="module")
def simulator_url(sink: Sink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m agencies.simulator --port 0` as a subprocess; its "listening" line names the port."""
    log = tmp_path_factory.mktemp("simulator") / "stderr.log"
    env = {**os.environ, "PORTAL_RECEIPTS_URL": sink.url, **KEYS_ENV}
    env.pop("SIMULATOR_CONFIG", None)
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "agencies.simulator", "--host", "127.0.0.1", "--port", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        line = process.stdout.readline()
        assert line.startswith("simulator listening on http://127.0.0.1:"), (line, log.read_text())
        yield line.split(" on ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=5)
    assert process.returncode == 0, log.read_text()


class Simulator:
    """What a test needs from the simulator: send a message, read and change its state."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def send(self, agency: str, message_id: str, body: bytes, *, signature: str | None = "sign") -> requests.Response:
        headers = {"Content-Type": "application/xml", "X-Message-Id": message_id}
        if signature is not None:
            headers.update(sign(body) if signature == "sign" else {**sign(body), "X-Signature": signature})
        return self.http.post(f"{self.url}/agencies/{agency}/messages", data=body, headers=headers, timeout=10)

    def configure(self, agencies: dict[str, Any], **top: Any) -> None:
        response = self.http.put(f"{self.url}/_sim/config", json={"agencies": agencies, **top}, timeout=5)
        assert response.status_code == 200, response.text

    def get(self, what: str) -> Any:
        return self.http.get(f"{self.url}/_sim/{what}", timeout=5).json()


@pytest.fixture
def sim(simulator_url: str, sink: Sink) -> Iterator[Simulator]:
    """A freshly reset simulator with the default agencies (nothing delayed) and an empty sink."""
    simulator = Simulator(simulator_url)
    simulator.configure({"customs": {}, "inspection": {}, "port": {}}, seed=7)
    simulator.http.post(f"{simulator_url}/_sim/reset", timeout=5)
    sink.clear()
    yield simulator
    simulator.http.close()


def _statuses(receipts: list[Receipt]) -> list[str]:
    return [receipt.status for receipt in sorted(receipts, key=lambda r: r.sequence)]


# --- messages and receipts ---


def test_valid_message_is_accepted_and_its_receipts_arrive_signed_valid_and_in_order(
    sim: Simulator, sink: Sink
) -> None:
    body = customs_message("220020261000000001-v1-customs", [("0101210010", "1000.00"), ("8471300000", "500.50")])

    response = sim.send("customs", "220020261000000001-v1-customs", body)

    assert response.status_code == 202
    receipts = sink.wait_for(5)
    assert [r.status for r in receipts] == RELEASE_WITH_DUTIES
    assert [r.sequence for r in receipts] == [1, 2, 3, 4, 5]
    assert {r.agency for r in receipts} == {"customs"}
    assert {r.message_id for r in receipts} == {"220020261000000001-v1-customs"}
    assert len({r.receipt_id for r in receipts}) == 5
    assert all(r.issued_at.tzinfo is not None for r in receipts)
    assert [r.issued_at for r in receipts] == sorted({r.issued_at for r in receipts})
    assert receipts[2].duties == Decimal("195.07")  # 13 % of 1,500.50
    assert receipts[3].payment == "paid"
    for batch in sink.batches:
        assert batch.headers["Content-Type"] == "application/xml"
        assert signed_by_agency(batch.body, batch.headers, "customs")
        schema("receipt").assertValid(etree.fromstring(batch.body))
    assert sim.get("counts") == {"220020261000000001-v1-customs": 1}


def test_each_agency_signs_its_own_receipts_with_its_own_key(sim: Simulator, sink: Sink) -> None:
    sim.configure({"customs": {"delay_ms": 50}, "inspection": {"delay_ms": 50}})
    assert sim.send("customs", "M-C", customs_message("M-C")).status_code == 202
    assert sim.send("inspection", "M-I", inspection_message("M-I", ["0101210010"])).status_code == 202

    receipts = sink.wait_for(8)

    assert {r.agency for r in receipts} == {"customs", "inspection"}
    for batch in sink.batches:  # due together, but never one batch for two agencies
        (agency,) = {r.agency for r in receipts if r.batch == sink.batches.index(batch)}
        assert signed_by_agency(batch.body, batch.headers, agency)
        assert not signed_by_agency(batch.body, batch.headers, "inspection" if agency == "customs" else "customs")


def test_a_repeated_message_id_is_answered_200_and_changes_nothing(sim: Simulator, sink: Sink) -> None:
    body = customs_message("M-1")
    assert sim.send("customs", "M-1", body).status_code == 202
    sink.wait_for(5)

    repeat = sim.send("customs", "M-1", body)

    assert repeat.status_code == 200
    time.sleep(0.2)
    assert len(sink.receipts()) == 5
    assert sim.get("counts") == {"M-1": 1}
    assert sim.get("received") == {"M-1": 2}


@pytest.mark.parametrize(
    "signature",
    [None, "ed25519=" + "A" * 88, "sign-with-an-agency-key", "ed25519=not base64", "sha256=" + "0" * 64],
    ids=["missing", "wrong", "agency-key", "not-base64", "hmac"],
)
def test_a_missing_or_wrong_signature_is_401(sim: Simulator, sink: Sink, signature: str | None) -> None:
    body = customs_message("M-1")
    if signature == "sign-with-an-agency-key":  # an agency cannot pass for the portal
        signature = sign(body, KEYS["customs"])["X-Signature"]

    response = sim.send("customs", "M-1", body, signature=signature)

    assert response.status_code == 401
    assert sim.get("counts") == {}
    time.sleep(0.1)
    assert sink.receipts() == []


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<DecMessage xmlns="urn:singlewindow:customs:declaration:1">&lol9;</DecMessage>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<DecMessage xmlns="urn:singlewindow:customs:declaration:1"><DecHead><BillNo>&xxe;</BillNo></DecHead></DecMessage>"""
HOSTILE = {
    "billion-laughs": BILLION_LAUGHS,
    "external-entity": EXTERNAL_ENTITY,
    "doctype": b'<?xml version="1.0"?><!DOCTYPE DecMessage SYSTEM "http://127.0.0.1:9/x.dtd"><DecMessage/>',
    "doctype-utf16": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16"),
    "not-well-formed": b"<DecMessage><DecHead></DecMessage>",
    "invalid-against-customs-xsd": f'<DecMessage xmlns="{CUSTOMS_NS}" MessageId="M-1"><Surprise/></DecMessage>'.encode(),
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_or_invalid_xml_is_400_and_the_simulator_carries_on(sim: Simulator, sink: Sink, body: bytes) -> None:
    response = sim.send("customs", "M-1", body)

    assert response.status_code == 400
    assert "error" in response.json()
    assert sim.get("counts") == {}
    assert sim.get("health") == {"status": "ok"}
    assert sim.send("customs", "M-2", customs_message("M-2")).status_code == 202


def test_an_hs_chapter_rule_orders_an_inspection_of_the_matching_lines(sim: Simulator, sink: Sink) -> None:
    sim.configure({"inspection": {"rules": [{"hs_chapter": "02", "decision": "inspect"}]}})
    body = inspection_message("M-1", ["8471300000", "0201300000", "0202200000"])

    assert sim.send("inspection", "M-1", body).status_code == 202

    receipts = sink.wait_for(5)
    # inspection never assesses duties
    assert _statuses(receipts) == ["received", "accepted", "inspection_ordered", "inspection_result", "released"]
    ordered, result = receipts[2], receipts[3]
    assert (ordered.goods, ordered.result) == ("2,3", None)
    assert (result.goods, result.result) == ("2,3", "passed")


def test_a_field_rule_rejects_with_reason_and_field_and_the_first_matching_rule_wins(
    sim: Simulator, sink: Sink
) -> None:
    rules = [
        {"field": "DecHead/TradeCountry", "equals": "PRK", "decision": "reject", "reason": "sanctioned country"},
        {"field": "header/DecHead/TradeCountry", "equals": "PRK", "decision": "hold"},  # the doc's spelling
    ]
    sim.configure({"customs": {"rules": rules}})

    assert sim.send("customs", "M-PRK", customs_message("M-PRK", trade_country="PRK")).status_code == 202
    assert sim.send("customs", "M-USA", customs_message("M-USA", trade_country="USA")).status_code == 202

    receipts = sink.wait_for(7)
    rejected = [r for r in receipts if r.message_id == "M-PRK"]
    assert _statuses(rejected) == ["received", "rejected"]
    assert (rejected[1].reason, rejected[1].field) == ("sanctioned country", "DecHead.TradeCountry")
    assert _statuses([r for r in receipts if r.message_id == "M-USA"]) == RELEASE_WITH_DUTIES


def licence_application_message(message_id: str, quantities: list[str]) -> bytes:
    """A commerce LicenceApplicationMessage: one Line per quantity applied for."""
    lines = "".join(
        f'<Line LineNo="{n}"><HsCode>7208510000</HsCode><Unit>035</Unit><Quantity>{q}</Quantity></Line>'
        for n, q in enumerate(quantities, 1)
    )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<LicenceApplicationMessage xmlns="urn:singlewindow:licence-application:1" '
        f'MessageId="{message_id}" PreEntryNo="LA2026000000000001" Version="1" Kind="7" Direction="import" '
        f'Agency="commerce"><Application><TradeMode>0110</TradeMode></Application>{lines}</LicenceApplicationMessage>'
    ).encode()
    schema("licence_application").assertValid(etree.fromstring(body))
    return body


def test_commerce_releases_an_application_and_rejects_one_over_its_quantity_limit(sim: Simulator, sink: Sink) -> None:
    reason = "超出年度配额"
    sim.configure({"commerce": {"rules": [{"max_quantity": "100000", "decision": "reject", "reason": reason}]}})

    assert sim.send("commerce", "LA-1", licence_application_message("LA-1", ["50000"])).status_code == 202
    assert sim.send("commerce", "LA-2", licence_application_message("LA-2", ["50000", "100000.5"])).status_code == 202

    receipts = sink.wait_for(5)
    assert _statuses([r for r in receipts if r.message_id == "LA-1"]) == [
        "received",
        "accepted",
        "released",
    ]  # no duties
    rejected = [r for r in receipts if r.message_id == "LA-2"]
    assert _statuses(rejected) == ["received", "rejected"]
    assert (rejected[1].reason, rejected[1].field) == (reason, "Line.Quantity")


def test_a_quantity_limit_must_be_a_number() -> None:
    from agencies.simulator.engine import ConfigError, normalise_config

    with pytest.raises(ConfigError, match="max_quantity"):
        normalise_config({"agencies": {"commerce": {"rules": [{"max_quantity": "lots", "decision": "reject"}]}}})


def test_a_hold_rule_names_the_reason(sim: Simulator, sink: Sink) -> None:
    sim.configure({"customs": {"rules": [{"field": "DecList/CodeTS", "equals": "9305100000", "decision": "hold"}]}})

    sim.send("customs", "M-1", customs_message("M-1", [("0101210010", "1"), ("9305100000", "2")]))

    receipts = sink.wait_for(3)
    assert _statuses(receipts) == ["received", "accepted", "held"]
    assert receipts[2].field == "DecList.CodeTS"
    assert "9305100000" in receipts[2].reason


def test_ratio_rules_are_reproducible_with_a_seed(sim: Simulator, sink: Sink) -> None:
    # "sandbox" has no schema, so any well-formed message will do
    config = {"sandbox": {"rules": [{"ratio": 0.5, "decision": "hold", "reason": "random check"}]}}

    def decisions() -> list[str]:
        sim.configure(config, seed=42)
        return [
            sim.send("sandbox", f"M-{i}", f'<Message MessageId="M-{i}"><Line LineNo="1"/></Message>'.encode()).json()[
                "decision"
            ]
            for i in range(20)
        ]

    first = decisions()
    sim.http.post(f"{sim.url}/_sim/reset", timeout=5)
    assert decisions() == first
    assert set(first) == {"hold", "release"}


# --- faults ---


def test_a_down_agency_answers_503_and_processes_nothing(sim: Simulator, sink: Sink) -> None:
    sim.configure({"customs": {"down": True}, "inspection": {}})

    assert sim.send("customs", "M-1", customs_message("M-1")).status_code == 503
    assert sim.send("inspection", "M-2", inspection_message("M-2", ["0101210010"])).status_code == 202

    assert sim.get("counts") == {"M-2": 1}
    assert sim.get("received") == {"M-1": 1, "M-2": 1}


def test_an_error_fails_before_storing_so_the_retry_is_accepted(sim: Simulator, sink: Sink) -> None:
    sim.configure({"customs": {"error_ratio": 1}})
    body = customs_message("M-1")
    assert sim.send("customs", "M-1", body).status_code == 500

    sim.configure({"customs": {"error_ratio": 0}})
    assert sim.send("customs", "M-1", body).status_code == 202
    assert sim.get("counts") == {"M-1": 1}
    assert sim.get("received") == {"M-1": 2}


def test_a_timeout_hangs_then_answers_503(sim: Simulator, sink: Sink) -> None:
    sim.configure({"customs": {"timeout_ratio": 1, "timeout_seconds": 0.3}})
    started = time.monotonic()

    response = sim.send("customs", "M-1", customs_message("M-1"))

    assert response.status_code == 503
    assert time.monotonic() - started >= 0.3
    assert sim.get("counts") == {}


def test_duplicate_ratio_one_sends_every_receipt_twice(sim: Simulator, sink: Sink) -> None:
    sim.configure({"customs": {"duplicate_ratio": 1}})

    sim.send("customs", "M-1", customs_message("M-1"))

    receipts = sink.wait_for(10)
    time.sleep(0.1)
    assert len(sink.receipts()) == 10
    by_id: dict[str, list[Receipt]] = {}
    for receipt in receipts:
        by_id.setdefault(receipt.receipt_id, []).append(receipt)
    assert len(by_id) == 5
    assert all(len(copies) == 2 and copies[0].batch < copies[1].batch for copies in by_id.values())


def test_reorder_sends_a_message_s_receipts_in_reverse(sim: Simulator, sink: Sink) -> None:
    sim.configure({"customs": {"reorder": True}})

    sim.send("customs", "M-1", customs_message("M-1"))

    receipts = sink.wait_for(5)
    assert [r.sequence for r in receipts] == [5, 4, 3, 2, 1]
    assert _statuses(receipts) == RELEASE_WITH_DUTIES  # the agency's order is still in Sequence


def test_each_receipt_waits_delay_ms_after_the_previous_one(sim: Simulator, sink: Sink) -> None:
    sim.configure({"inspection": {"delay_ms": 150}})
    started = time.monotonic()

    sim.send("inspection", "M-1", inspection_message("M-1", ["0101210010"]))

    receipts = sink.wait_for(3)
    assert _statuses(receipts) == ["received", "accepted", "released"]
    offsets = [r.at - started for r in receipts]
    assert [offset >= 0.15 * (n + 1) for n, offset in enumerate(offsets)] == [True, True, True]  # never early
    assert offsets[2] < 2.0  # and not much late
    assert len({r.batch for r in receipts}) == 3


# --- the portal's side of the receipts ---


def test_receipts_are_retried_while_the_portal_fails_and_dropped_when_it_refuses(sim: Simulator, sink: Sink) -> None:
    sink.answers.extend([503, 502])
    sim.send("customs", "M-1", customs_message("M-1"))

    receipts = sink.wait_for(15)  # two failed attempts, then the same batch again
    assert len(sink.batches) == 3
    assert sink.batches[0].body == sink.batches[1].body == sink.batches[2].body
    assert [r.status for r in receipts[10:]] == RELEASE_WITH_DUTIES

    sink.clear()
    sink.answers.append(400)
    sim.send("customs", "M-2", customs_message("M-2"))
    sink.wait_for(5)
    time.sleep(0.3)
    assert len(sink.batches) == 1  # refused: quarantined by the portal, not sent again


def test_a_burst_of_messages_is_batched(sim: Simulator, sink: Sink) -> None:
    bodies = {f"M-{i}": customs_message(f"M-{i}") for i in range(200)}

    def send(message_id: str) -> int:
        with requests.Session() as session:
            headers = {"X-Message-Id": message_id, **sign(bodies[message_id])}
            url = f"{sim.url}/agencies/customs/messages"
            return session.post(url, data=bodies[message_id], headers=headers, timeout=10).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(send, bodies)) == {202}

    receipts = sink.wait_for(1000, timeout=10)
    assert len(receipts) == 1000
    assert len(sink.batches) < 200  # batched, not one request per message
    assert len(sim.get("counts")) == 200


# --- the control API ---


def test_control_api(sim: Simulator, sink: Sink) -> None:
    assert sim.get("health") == {"status": "ok"}
    config = sim.get("config")
    assert "keys" not in config  # the agencies' private keys are never shown
    assert config["portal_key_ids"] == [key_id(public_text(KEYS["portal"]))]
    assert config["portal_url"] == sink.url
    assert config["agencies"]["customs"]["duties"] is True
    assert config["agencies"]["inspection"]["duties"] is False

    assert sim.send("maritime", "M-1", b"<x/>").status_code == 404  # not in this configuration
    bad = sim.http.put(f"{sim.url}/_sim/config", json={"agencies": {"customs": {"delay": 5}}}, timeout=5)
    assert bad.status_code == 400
    assert "delay" in bad.json()["error"]
    assert sim.get("config") == config  # a refused configuration changes nothing

    sim.configure({"customs": {"delay_ms": 10_000}})
    sim.send("customs", "M-2", customs_message("M-2"))
    assert sim.get("counts") == {"M-2": 1}
    sim.http.post(f"{sim.url}/_sim/reset", timeout=5)
    assert sim.get("counts") == {}
    assert sim.get("received") == {}
    assert sim.send("customs", "M-2", customs_message("M-2")).status_code == 202  # forgotten, so new again


# --- the engine in process: what is awkward to provoke over HTTP ---


def test_a_batch_never_holds_more_than_the_schemas_1000_receipts() -> None:
    from agencies.simulator.engine import Engine, normalise_config

    config = normalise_config(
        {
            "agencies": {"customs": {"delay_ms": 60, "reorder": True}},
            "portal_public_keys": [public_text(KEYS["portal"])],
        }
    )
    engine = Engine(config)
    for i in range(201):  # 1,005 receipts, each message's five due together 300 ms after it arrived
        body = customs_message(f"M-{i}")
        headers = sign(body)
        assert (
            engine.handle_message("customs", f"M-{i}", headers["X-Key-Id"], headers["X-Signature"], body).status == 202
        )
    time.sleep(0.35)

    assert len(engine.take_due()) == 1000
    assert len(engine.take_due()) == 5


def test_inspected_goods_lines_are_named_compactly() -> None:
    from agencies.simulator.engine import goods_text

    assert goods_text(["1", "2"]) == "1,2"
    assert goods_text(["5", "1", "2", "3", "7"]) == "1-3,5,7"
    assert goods_text([str(n) for n in range(1, 1000)]) == "1-999"


def test_the_example_configuration_loads() -> None:
    from agencies.simulator.engine import load_config

    config = load_config(ROOT / "agencies" / "simulator" / "example.json")

    assert set(config["agencies"]) == {"customs", "inspection", "maritime", "border", "port", "commerce"}


# --- batches of messages (protocol section 1, "Batches") ---


def batch(*items: tuple[str, bytes]) -> bytes:
    """A <MessageBatch> as the portal sends one: each message whole, without its XML declaration."""
    inner = b"".join(
        f'<Item MessageId="{message_id}">'.encode() + body.split(b"?>", 1)[1].strip() + b"</Item>"
        for message_id, body in items
    )
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<MessageBatch xmlns="urn:singlewindow:batch:1" BatchId="b-1" Count="{len(items)}">'
    return head.encode() + inner + b"</MessageBatch>"


def send_batch(sim: Simulator, agency: str, body: bytes, *, key: str = KEYS["portal"]) -> requests.Response:
    headers = {"Content-Type": "application/xml", "X-Batch-Id": "b-1", **sign(body, key)}
    return sim.http.post(f"{sim.url}/agencies/{agency}/messages", data=body, headers=headers, timeout=10)


def test_a_batch_signed_once_is_answered_item_by_item_and_an_invalid_item_refused_alone(
    sim: Simulator, sink: Sink
) -> None:
    assert sim.send("customs", "B-3", customs_message("B-3")).status_code == 202  # had it already
    sink.wait_for(5)
    invalid = customs_message("B-2").replace(b"<TradeCountry>USA</TradeCountry>", b"<Nonsense>1</Nonsense>")
    body = batch(("B-1", customs_message("B-1")), ("B-2", invalid), ("B-3", customs_message("B-3")))

    response = send_batch(sim, "customs", body)

    assert response.status_code == 207
    answers = {item["message_id"]: item for item in response.json()["items"]}
    assert [answers[m]["status"] for m in ("B-1", "B-2", "B-3")] == [202, 400, 200]
    assert "not valid against customs.xsd" in answers["B-2"]["error"]
    receipts = sink.wait_for(10)
    assert [r.status for r in receipts if r.message_id == "B-1"] == RELEASE_WITH_DUTIES
    assert {r.message_id for r in receipts} == {"B-1", "B-3"}
    assert sim.get("counts") == {"B-1": 1, "B-3": 1}


def test_a_batch_with_a_wrong_signature_or_a_fault_is_refused_whole(sim: Simulator, sink: Sink) -> None:
    body = batch(("B-1", customs_message("B-1")), ("B-2", customs_message("B-2")))
    assert send_batch(sim, "customs", body, key=KEYS["customs"]).status_code == 401
    sim.configure({"customs": {"error_ratio": 1.0}})
    assert send_batch(sim, "customs", body).status_code == 500
    sim.configure({"customs": {}})
    assert send_batch(sim, "customs", body).status_code == 207  # the retry of the whole batch is taken
    assert sim.get("counts") == {"B-1": 1, "B-2": 1}
