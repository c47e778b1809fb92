"""A TCP proxy on 127.0.0.1 in front of one dependency (a TCP port, or a Unix socket such as the
embedded PostgreSQL's), to play its network faults in a test.

- ``refuse()``: the dependency is stopped: new connections are refused, open ones reset.
- ``hang()``: the dependency is frozen (a stopped process, packets unanswered): connections are
  accepted by the kernel and kept, but no byte moves either way.
- ``resume()``: back to forwarding on the same port.

Every thread is a daemon and every socket is closed on exit; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from types import TracebackType


def _reset(connection: socket.socket) -> None:
    """Close with an RST, as a dead peer's kernel answers, rather than a polite FIN."""
    with contextlib.suppress(OSError):
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


class TcpProxy:
    def __init__(self, upstream_port: int = 0, host: str = "127.0.0.1", *, unix_socket: str = "") -> None:
        self.upstream = (host, upstream_port)
        self.unix_socket = unix_socket
        self.hung = threading.Event()
        self.lock = threading.Lock()
        self.connections: list[socket.socket] = []
        self.listener = self._listen(0)
        self.port: int = self.listener.getsockname()[1]
        self.closed = False

    @property
    def url(self) -> str:
        """The HTTP endpoint to point a client at (``AWS_ENDPOINT_URL_S3``) instead of the dependency's."""
        return f"http://127.0.0.1:{self.port}"

    def _listen(self, port: int) -> socket.socket:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return listener

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: refuse() or close()
            self._track(client)
            if self.hung.is_set():
                continue  # accepted and kept, never answered
            try:
                upstream = self._connect_upstream()
            except OSError:
                _reset(client)
                continue
            self._track(upstream)
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _connect_upstream(self) -> socket.socket:
        if not self.unix_socket:
            return socket.create_connection(self.upstream, timeout=5)
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        upstream.connect(self.unix_socket)
        return upstream

    def _track(self, connection: socket.socket) -> None:
        with self.lock:
            self.connections.append(connection)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        source.settimeout(None)
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            while self.hung.is_set() and not self.closed:
                time.sleep(0.05)  # hold what was read: a frozen peer neither answers nor closes
            if not data:
                _reset(target)
                return
            try:
                target.sendall(data)
            except OSError:
                _reset(source)
                return

    def _reset_all(self) -> None:
        with self.lock:
            connections, self.connections = self.connections, []
        for connection in connections:
            _reset(connection)

    def _stop_listening(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked in the other thread
        self.listener.close()

    def refuse(self) -> None:
        self._stop_listening()
        self._reset_all()

    def hang(self) -> None:
        self.hung.set()

    def resume(self) -> None:
        self.hung.clear()
        self._reset_all()  # connections held while hung are broken, as after a real outage
        if self.listener.fileno() == -1:
            self.listener = self._listen(self.port)

    def close(self) -> None:
        self.closed = True
        self.hung.clear()
        self._stop_listening()
        self._reset_all()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
