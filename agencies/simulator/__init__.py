"""The agency simulator: a separate HTTP service standing in for the agencies' systems.

Real customs, inspection and port systems are out of reach in development and tests, so this service
speaks their side of docs/AGENCY_PROTOCOL.md: it takes declaration messages, decides what the agency
would do (from configurable rules), and sends the receipts back to the portal, with the faults real
systems have (downtime, errors, timeouts, duplicates, reordering) available on demand.

It deliberately does not import Django: it runs as its own process (`python -m agencies.simulator`)
so the portal cannot cheat by sharing memory or settings with it.
"""
