"""The simulator's HTTP side: agencies' message endpoints and the control API (protocol sections 1, 3).

A thin layer: it reads requests, hands them to the Engine and writes JSON answers. HTTP/1.1 keep-alive,
because the portal posts through a pooled session and opening a connection per message would cap the
rate long before the engine does.
"""

from __future__ import annotations

import json
import logging
import re
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .engine import MAX_MESSAGE_BYTES, ConfigError, Engine, public_config

log = logging.getLogger(__name__)
MESSAGES = re.compile(r"/agencies/([^/]+)/messages/?")
MAX_CONFIG_BYTES = 1024 * 1024


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True  # a hanging (simulated timeout) request must not block shutdown
    request_queue_size = 128  # bursts of ~100 messages a second

    def __init__(self, address: tuple[str, int], engine: Engine, *, verbose: bool = False) -> None:
        self.engine = engine
        self.verbose = verbose
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a kept-alive client waits ~40 ms (delayed
    # ACK) for every answer, which caps one connection at ~25 messages a second.
    disable_nagle_algorithm = True
    server: SimulatorServer

    def log_message(self, format: str, *args: Any) -> None:
        """Access logs only with --verbose: at 100 messages a second they drown everything else."""
        if self.server.verbose:
            super().log_message(format, *args)

    # routing

    def do_GET(self) -> None:
        engine = self.server.engine
        path = self._path()
        if path == "/_sim/health":
            self._json(200, {"status": "ok"})
        elif path == "/_sim/config":
            self._json(200, public_config(engine.config))
        elif path == "/_sim/counts":
            self._json(200, engine.counts())
        elif path == "/_sim/received":
            self._json(200, engine.received())
        else:
            self._not_found()

    def do_PUT(self) -> None:
        if self._path() != "/_sim/config":
            self._not_found()
            return
        body = self._body(MAX_CONFIG_BYTES)
        if body is None:
            return
        try:
            self.server.engine.replace_config(json.loads(body))
        except (ValueError, ConfigError) as error:  # json.JSONDecodeError is a ValueError
            self._json(400, {"error": str(error)})
            return
        self._json(200, public_config(self.server.engine.config))

    def do_POST(self) -> None:
        path = self._path()
        if path == "/_sim/reset":
            self._body(MAX_CONFIG_BYTES)  # read and ignore, so the connection stays usable
            self.server.engine.reset()
            self._json(200, {"status": "reset"})
            return
        match = MESSAGES.fullmatch(path)
        if not match:
            self._not_found()
            return
        body = self._body(MAX_MESSAGE_BYTES)
        if body is None:
            return
        engine = self.server.engine
        # A batch of messages carries X-Batch-Id instead of X-Message-Id (protocol section 1, "Batches").
        batch_id = self.headers.get("X-Batch-Id")
        handle = engine.handle_batch if batch_id is not None else engine.handle_message
        try:
            answer = handle(
                match.group(1),
                batch_id if batch_id is not None else self.headers.get("X-Message-Id"),
                self.headers.get("X-Key-Id"),
                self.headers.get("X-Signature"),
                body,
            )
        except Exception:
            log.exception("failed to handle a message for %s", match.group(1))
            self._json(500, {"error": "simulator error"})
            return
        if answer.wait_seconds:
            time.sleep(answer.wait_seconds)
        self._json(answer.status, answer.body)

    # helpers

    def _path(self) -> str:
        return urlsplit(self.path).path

    def _body(self, limit: int) -> bytes | None:
        """The request body, or None after answering 400/413 (and closing: the rest is unread)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._json(400, {"error": "bad Content-Length"})
            return None
        if length > limit:
            self.close_connection = True
            self._json(413, {"error": f"body larger than {limit} bytes"})
            return None
        return self.rfile.read(length)

    def _not_found(self) -> None:
        if self.headers.get("Content-Length", "0") != "0":  # an unread body would poison the connection
            self.close_connection = True
        self._json(404, {"error": f"no such endpoint: {self.command} {self._path()}"})

    def _json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. a simulated timeout)
            self.close_connection = True
