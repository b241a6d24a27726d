"""A tiny IMAP4rev1 server on a real socket, enough for a login and a folder select (what
"test connection" does): imaplib talks to it exactly as to a real server. Used only by tests;
no well-kept pure-Python IMAP server exists as a test dependency."""

from __future__ import annotations

import socketserver
import threading
from contextlib import contextmanager


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        if self.server.delay:  # type: ignore[attr-defined]
            self.server.stop.wait(self.server.delay)  # type: ignore[attr-defined]
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        if server.silent:
            server.stop.wait(5)  # accept, then never answer: the client's timeout must act
            return
        self._say("* OK tiny IMAP ready")
        for raw in self.rfile:
            tag, _, rest = raw.decode().strip().partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self._say("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                self._say(f"{tag} OK done")
            elif command == "LOGIN":
                user, _, password = args.partition(" ")
                if (user.strip('"'), password.strip('"')) == server.account:
                    self._say(f"{tag} OK logged in")
                else:
                    self._say(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif command in {"SELECT", "EXAMINE"}:
                if args.strip('"') in server.folders:
                    self._say(f"* {server.folders[args.strip(chr(34))]} EXISTS")
                    self._say(f"{tag} OK [READ-ONLY] selected")
                else:
                    self._say(f"{tag} NO no such folder")
            elif command == "LOGOUT":
                self._say("* BYE")
                self._say(f"{tag} OK bye")
                return
            else:
                self._say(f"{tag} BAD unknown command")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    account: tuple[str, str] = ("desk", "pw")
    folders: dict[str, int] = {"INBOX": 3}
    silent = False
    delay = 0.0  # seconds before each line: slow, but each answer within any timeout
    stop: threading.Event


@contextmanager
def imap_server(*, silent: bool = False, delay: float = 0.0):
    """(host, port) of a running server; it stops when the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.silent = silent
    server.delay = delay
    server.stop = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
