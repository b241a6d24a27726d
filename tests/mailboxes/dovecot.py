"""A real IMAP server for the polling tests: Debian's Dovecot (``dovecot-imapd``), configured
in a temporary directory and started on free ports of the loopback address.

Why Dovecot rather than a Python server: polling is only proven against the server people
run. Dovecot is the most used IMAP server, packaged by Debian and kept up to date there;
the pure-Python IMAP servers on PyPI are unmaintained or partial (no UID SEARCH/STORE,
no TLS), so a test passing against one would prove little. The tests drive it only over
its sockets (LOGIN, SELECT, UID SEARCH/FETCH/STORE, APPEND), as Steward's poller does.

The configuration is self-contained: a passwd-file user, Maildir under the temporary
directory, implicit TLS with a self-signed certificate made by ``openssl`` (the client
trusts it through ``SSL_CERT_FILE``) and a plain listener for the non-TLS cases. Run as
root (CI) the mail and login processes use the package's ``dovecot``/``dovenull`` users.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BINARY = shutil.which("dovecot") or "/usr/sbin/dovecot"
DH = Path("/usr/share/dovecot/dh.pem")


@dataclass
class Dovecot:
    """A running server: where it listens, its one account, and its CA file."""

    host: str
    port: int  # plain IMAP
    tls_port: int  # implicit TLS (IMAPS)
    user: str
    password: str
    cert: Path
    log: Path


def available() -> bool:
    return Path(BINARY).exists() and shutil.which("openssl") is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _certificate(where: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1 (one-day, 2048-bit RSA)."""
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def _accounts() -> tuple[str, str, int, int]:
    """(internal/mail user, login user, uid, gid): ourselves, or the package's users as root."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    owner = pwd.getpwnam("dovecot")
    return "dovecot", "dovenull", owner.pw_uid, owner.pw_gid


@contextlib.contextmanager
def running(*, user: str = "desk", password: str = "desk-secret") -> Iterator[Dovecot]:
    """Start Dovecot in a new temporary directory; stop it (SIGTERM, then SIGKILL) and remove
    the directory on the way out. The directory is its own (not pytest's, whose parents are
    private to us): the server's unprivileged processes must reach its files."""
    where = Path(tempfile.mkdtemp(prefix="steward-dovecot-"))
    os.chmod(where, 0o711)
    try:
        with _started(where, user, password) as server:
            yield server
    finally:
        shutil.rmtree(where, ignore_errors=True)


@contextlib.contextmanager
def _started(where: Path, user: str, password: str) -> Iterator[Dovecot]:
    cert, key = _certificate(where)
    internal, login, uid, gid = _accounts()
    for sub in ("run", "state", "mail", "home"):
        (where / sub).mkdir(exist_ok=True)
    if os.geteuid() == 0:
        for path in (where, where / "mail", where / "home", where / "state"):
            os.chown(path, uid, gid)
        os.chmod(key, 0o644)
    (where / "passwd").write_text(f"{user}:{{PLAIN}}{password}::::::\n")
    port, tls_port = _free_port(), _free_port()
    log = where / "dovecot.log"
    group = grp.getgrgid(gid).gr_name
    conf = where / "dovecot.conf"
    conf.write_text(
        f"""
base_dir = {where}/run
state_dir = {where}/state
log_path = {log}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
{f"ssl_dh = <{DH}" if DH.exists() else ""}
auth_mechanisms = plain login
auth_failure_delay = 0
disable_plaintext_auth = no
mail_location = maildir:{where}/mail/%u
first_valid_uid = 0
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {where}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={where}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own file
        [BINARY, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait(process, port, log)
        yield Dovecot("127.0.0.1", port, tls_port, user, password, cert, log)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = (process.stderr.read() or b"").decode(errors="replace")
            logged = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"dovecot exited {process.returncode}: {said}\n{logged}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError("dovecot did not listen within 20 seconds")
