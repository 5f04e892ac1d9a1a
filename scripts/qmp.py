# SPDX-License-Identifier: GPL-2.0-or-later
"""A small synchronous QMP client (Python 3 stdlib only).

Used by the demo and the benchmarks to drive qemu-system-cr16 (and, for
the benchmark peer, Debian's QEMU) over a unix socket: connect with a
deadline, negotiate capabilities, run commands, and collect the events
that arrive in between.
"""

import json
import os
import socket
import time


class QMPError(Exception):
    """A command answered with an error, or the connection failed."""


class QMP:
    def __init__(self, path, timeout=30.0):
        deadline = time.monotonic() + timeout
        wait = 5.0      # doubles: a server still starting up greets late
        while True:
            try:
                self._connect(path, min(wait, timeout))
                break
            except (OSError, QMPError) as e:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise QMPError("cannot connect to QMP socket %s: %s" %
                                   (path, e))
                if isinstance(e, socket.timeout):
                    wait *= 2
                time.sleep(0.02)
        self.sock.settimeout(timeout)
        self.events = []
        self.cmd("qmp_capabilities")

    def _connect(self, path, greeting_timeout):
        # A connection made as the server starts has been seen to get no
        # greeting from qemu-system-cr16: give up on it after a while and
        # connect again.
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.settimeout(greeting_timeout)
        self.buf = b""
        greeting = self._read()
        if "QMP" not in greeting:
            raise QMPError("no QMP greeting: %r" % greeting)

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise QMPError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        """Run one command; return its "return" value or raise QMPError."""
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "QMP" in reply:
                # qemu-system-cr16 sometimes greets twice when the client
                # connects as the socket appears; a greeting is no reply.
                continue
            if "error" in reply:
                raise QMPError("%s: %s" % (name, reply["error"]["desc"]))
            if "return" not in reply:
                raise QMPError("%s: unexpected reply %r" % (name, reply))
            return reply["return"]

    def close(self):
        self.sock.close()


def wait_for_socket(path, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise QMPError("%s did not appear" % path)
        time.sleep(0.02)
