"""The figure of the enterprise electronic licence (S12): sign_ms_p50, signing one submission through
`singlewindow.elicence.submission_sign` on the real database (the grant looked up, the SM2 signature made
with the signer's sealed key, the signature and its audit entry written), each in its own transaction as
a submission would be. Target: ≤ 20 ms."""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction

from singlewindow.choices import Matter
from singlewindow.elicence import grant_standing, submission_sign

Report = Callable[[str, Any, str], None]
SAMPLES = 200


def sign_figures(report: Report) -> None:
    from bench.figures import setup

    user = setup()["user"]
    grant_standing(person=user)
    organisation = user.organisation
    with transaction.atomic():  # the key is made by the first signature: not a figure
        submission_sign(user=user, organisation=organisation, matter=Matter.DECLARATION,
                        object_type="bench", object_id="warm-up", digest=hashlib.sha256(b"warm-up").hexdigest())  # fmt: skip
    timings = []
    for i in range(SAMPLES):
        digest = hashlib.sha256(f"bench submission {i}".encode()).hexdigest()
        started = time.perf_counter()
        with transaction.atomic():
            submission_sign(user=user, organisation=organisation, matter=Matter.DECLARATION,
                            object_type="bench", object_id=str(i), digest=digest)  # fmt: skip
        timings.append((time.perf_counter() - started) * 1000)
    report("sign_ms_p50", round(statistics.median(timings), 2), "ms")
