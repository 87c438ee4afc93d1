"""The receipt sender: one background thread that batches every due receipt into one request.

Real agencies batch (protocol section 2), and one request per receipt at 100 messages a second would be
hundreds of portal requests a second. So the thread wakes every ~20 ms, takes everything due across all
messages and agencies (at most 1,000, the schema's limit) and posts it as one <Receipts> per agency,
each signed with that agency's key (the portal believes a receipt speaks for the agency whose key signed
it), over a kept-alive connection. A batch the portal could not take (5xx, no answer) is retried with backoff before
anything newer is sent; a batch it refused (4xx, quarantined on its side) is logged and dropped.
"""

from __future__ import annotations

import http.client
import logging
import threading
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from singlewindow.signatures import sign, signing_key_id

from .engine import MAX_BATCH, Engine, Pending, cbec_portal_url, envelope

log = logging.getLogger(__name__)


class Sender(threading.Thread):
    def __init__(
        self,
        engine: Engine,
        *,
        interval: float = 0.02,
        first_backoff: float = 0.2,
        max_backoff: float = 60.0,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(name="receipt-sender", daemon=True)
        self.engine = engine
        self.interval = interval
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self._stopping = threading.Event()
        self._connection: http.client.HTTPConnection | None = None
        self._origin: tuple[str, str, int | None] | None = None

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)
        self._close()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                batch = self.engine.take_due(MAX_BATCH)
                if batch:
                    # One request per agency and channel, in order of first receipt.
                    for agency, channel in dict.fromkeys((item.agency, item.channel) for item in batch):
                        self._deliver([item for item in batch if (item.agency, item.channel) == (agency, channel)])
                else:
                    self._stopping.wait(self.interval)
            except Exception:  # never let one bad batch end the thread: nothing would be sent again
                log.exception("receipt sender failed; carrying on")
                self._stopping.wait(self.interval)

    def _deliver(self, batch: list[Pending]) -> None:
        """Post one agency's batch until the portal takes or refuses it, the simulator is reset, or it stops."""
        channel = batch[0].channel
        body = envelope((item.body for item in batch), channel)
        backoff = self.first_backoff
        while not self._stopping.is_set():
            url, keys = self.engine.destination()  # re-read: a PUT /_sim/config applies at once
            if channel == "cbec":
                url = cbec_portal_url(url)
            status = self._post(url, body, keys[batch[0].agency])
            if status is not None and 200 <= status < 300:
                self.engine.sent(batch)
                return
            if status is not None and status < 500:
                log.error(
                    "portal refused %d receipt(s) with HTTP %d (it keeps the body in quarantine); dropped",
                    len(batch),
                    status,
                )
                return
            if not self.engine.current(batch):
                log.info("reset while retrying; %d receipt(s) dropped", len(batch))
                return
            log.warning(
                "portal %s for %d receipt(s); retrying in %.1f s",
                f"answered HTTP {status}" if status else "unreachable",
                len(batch),
                backoff,
            )
            self._stopping.wait(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    def _post(self, url: str, body: bytes, key: Ed25519PrivateKey) -> int | None:
        """The portal's HTTP status, or None when it could not be reached."""
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"Content-Type": "application/xml", "X-Key-Id": signing_key_id(key), "X-Signature": sign(body, key)}
        for attempt in (1, 2):
            connection = self._connect(parts.scheme, parts.hostname or "", parts.port)
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()  # drain it, or the connection cannot be reused
                if response.will_close:
                    self._close()
                return response.status
            except (OSError, http.client.HTTPException) as error:
                self._close()
                # A kept-alive connection the portal closed while idle fails on first use: try once
                # more on a fresh one before calling the portal unreachable.
                stale = isinstance(error, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError)
                if attempt == 1 and stale:
                    continue
                log.debug("posting receipts to %s failed: %s", url, error)
                return None
        return None

    def _connect(self, scheme: str, host: str, port: int | None) -> http.client.HTTPConnection:
        origin = (scheme, host, port)
        if self._connection is None or origin != self._origin:
            self._close()
            factory = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            self._connection = factory(host, port, timeout=self.timeout)
            self._origin = origin
        return self._connection

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._origin = None
