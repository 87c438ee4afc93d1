"""The figures of the vessel clearance issue: the port clearance PDF's time and size, the crew list import.

Each function returns [(name, value, unit)] for `bench.__main__` to report; Django must be set up.
Neither needs the database: the certificate is rendered from example facts and the crew list has no
ports to look up.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

from vessels.certificate import render_port_clearance_pdf, verify_url_for
from vessels.examples import example_crew_xlsx, example_facts
from vessels.people import import_crew

Figure = tuple[str, float, str]
RENDERS = 20
IMPORTS = 5
CREW = 500


def certificate_figures() -> list[Figure]:
    """Rendering the certificate PDF (template, QR code, layout, font subsetting), after one warm-up
    render that loads the fonts; and the PDF's size."""
    facts = example_facts()
    url = verify_url_for(facts)
    pdf = render_port_clearance_pdf(facts, url)
    samples = []
    for _ in range(RENDERS):
        start = time.perf_counter()
        pdf = render_port_clearance_pdf(facts, url)
        samples.append((time.perf_counter() - start) * 1000)
    return [
        ("certificate_pdf_ms_p50", round(statistics.median(samples), 1), "ms"),
        ("certificate_pdf_kb", round(len(pdf) / 1024, 1), "KB"),
    ]


def crew_import_figures() -> list[Figure]:
    """Parsing and validating a 500-row crew list workbook already in memory, median of a few runs."""
    on = date(2025, 3, 1)
    data = example_crew_xlsx(CREW, on=on)
    samples = []
    for _ in range(IMPORTS):
        start = time.perf_counter()
        result = import_crew(data, on=on)
        samples.append((time.perf_counter() - start) * 1000)
        if result.errors or len(result.rows) != CREW:
            raise SystemExit(f"the example crew list did not import cleanly: {result.errors[:3]}")
    return [("crew_import_ms", round(statistics.median(samples), 1), "ms")]
