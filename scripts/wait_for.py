"""Wait until every URL given answers (any HTTP status), at most 30 seconds; exit 1 otherwise.

`make run` starts the agency simulator and the portal, then loads the demo data, which submits
declarations: it waits for both so no message or receipt meets a server that is not listening yet.
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request

DEADLINE_S = 30


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()  # noqa: S310 (the Makefile's own http:// addresses)
    except urllib.error.HTTPError:
        return True  # it answered, if not with 200
    except OSError:
        return False
    return True


def main(urls: list[str]) -> int:
    deadline = time.monotonic() + DEADLINE_S
    waiting = list(urls)
    while waiting and time.monotonic() < deadline:
        waiting = [url for url in waiting if not answers(url)]
        if waiting:
            time.sleep(0.2)
    for url in waiting:
        print(f"{url} did not answer within {DEADLINE_S} s", file=sys.stderr)
    return 1 if waiting else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
