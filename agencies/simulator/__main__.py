"""Start the simulator: `python -m agencies.simulator [--host H] [--port P] [--config FILE.json]`.

Environment: SIMULATOR_PORT, SIMULATOR_CONFIG, PORTAL_RECEIPTS_URL, AGENCY_SECRET (the same names
docker-compose and the portal use, so one .env configures both sides). `--port 0` picks a free port;
the "listening" line names the one chosen, which is how tests find it.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from types import FrameType

from .engine import ConfigError, Engine, load_config
from .sender import Sender
from .server import SimulatorServer


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m agencies.simulator", description="Stand in for the agencies (docs/AGENCY_PROTOCOL.md)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("SIMULATOR_PORT") or 8001),
        help="default $SIMULATOR_PORT or 8001",
    )
    parser.add_argument(
        "--config",
        default=os.environ.get("SIMULATOR_CONFIG") or None,
        help="JSON configuration (default $SIMULATOR_CONFIG)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)  # unwinds serve_forever() through the finally below


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"simulator: {error}", file=sys.stderr)
        return 2
    engine = Engine(config)
    server = SimulatorServer((args.host, args.port), engine, verbose=args.verbose)
    sender = Sender(engine)
    sender.start()
    signal.signal(signal.SIGTERM, _terminate)
    print(f"simulator listening on http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sender.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
