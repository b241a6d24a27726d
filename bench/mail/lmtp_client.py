"""The mail server's side of the LMTP bench, in a process of its own (as Postfix is):
``--sessions`` LMTP sessions at once, each delivering its share of the corpus and waiting
for each answer. Run by ``bench/mail/lmtp.py``; no Django here, so the listener's process
measures the listener alone (its CPU, its memory) and shares no interpreter lock with the
client threads.

``python -m bench.mail.lmtp_client PORT ADDRESS SESSIONS CORPUS`` (CORPUS: a pickle of the
messages); prints one JSON line: failures and the seconds from first to last delivery."""

from __future__ import annotations

import json
import pickle
import smtplib
import sys
import threading
import time
from pathlib import Path


def deliver_all(port: int, address: str, sessions: int, raws: list[bytes]) -> dict:
    failures: list[str] = []

    def session(mine: list[bytes]) -> None:
        with smtplib.LMTP("127.0.0.1", port, timeout=300) as client:
            for raw in mine:
                try:
                    client.sendmail("caller@example.com", [address], raw)
                except smtplib.SMTPException as exc:
                    failures.append(repr(exc))

    threads = [threading.Thread(target=session, args=(raws[k::sessions],)) for k in range(sessions)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - began, "failures": failures[:5]}


def main(argv: list[str]) -> None:
    port, address, sessions, path = int(argv[0]), argv[1], int(argv[2]), Path(argv[3])
    raws = pickle.loads(path.read_bytes())  # noqa: S301 - the bench's own file
    print(json.dumps(deliver_all(port, address, sessions, raws)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
