"""The fault suite's SMTP sink: while down it refuses connections and keeps its port, so a
mail meant to fail cannot reach another test's sink that took a released number."""

from __future__ import annotations

import smtplib
import socket

import pytest

from tests.faults.harness import Sink

pytestmark = pytest.mark.faults


def refused(port: int) -> bool:
    try:
        smtplib.SMTP("127.0.0.1", port, timeout=2).quit()
    except ConnectionRefusedError:
        return True
    return False


def taken(port: int, *, reuse: bool) -> bool:
    """Another socket cannot bind the port. Without ``reuse``: as the kernel's own choice of a
    free port (``bind(0)``, the suite's ``free_port``) cannot be this number. With it: as
    aiosmtpd's server (SO_REUSEADDR) cannot take it either, which holds while the port has
    not served (once it has, its closed connections linger in TIME_WAIT and the sink must
    hold it with SO_REUSEADDR too)."""
    with socket.socket() as other:
        if reuse:
            other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            other.bind(("127.0.0.1", port))
            other.listen()
        except OSError:
            return True
    return False


def test_a_down_sink_refuses_and_keeps_its_port():
    sink = Sink()
    try:
        assert refused(sink.port)  # down from the start
        assert taken(sink.port, reuse=False)
        assert taken(sink.port, reuse=True)
        sink.up()
        assert not refused(sink.port)
        sink.down()
        assert refused(sink.port)  # down again, after serving
        assert taken(sink.port, reuse=False)
        sink.up()
        assert not refused(sink.port)
    finally:
        sink.close()
    assert not taken(sink.port, reuse=True)  # given back when the test is over
