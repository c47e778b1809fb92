"""A small TCP proxy that plays a dependency's network faults: it refuses connections, or hangs.

The fault tests put it between the workers and moto's S3 (``AWS_ENDPOINT_URL_S3``), so that only
S3 fails, the way it fails in production, while SQS and the database stay up:

- ``refuse()``: the listening socket closes (a new connection is refused) and every open
  connection is reset, mid-request or not.
- ``hang()``: connections are accepted and kept, but no byte moves either way.
- ``resume()``: back to normal on the same port; hung connections are reset, so that clients retry.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
from types import TracebackType


def _reset(connection: socket.socket) -> None:
    """Close with an RST (linger 0), as a dead peer or a refused connection looks to the client."""
    try:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()
    except OSError:
        pass


class TcpProxy:
    """``with TcpProxy(upstream_port) as proxy:`` then point clients at ``proxy.url``."""

    def __init__(self, upstream_port: int, host: str = "127.0.0.1") -> None:
        self._upstream = (host, upstream_port)
        self._host = host
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._hanging = False
        self._running = True
        self._listener = self._listen(0)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._accepter = self._start(self._accept, self._listener)

    def _listen(self, port: int) -> socket.socket:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self._host, port))
        listener.listen(64)
        return listener

    @staticmethod
    def _start(target: object, *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        thread.start()
        return thread

    def _accept(self, listener: socket.socket) -> None:
        while self._running:
            try:
                client, _ = listener.accept()
            except OSError:  # closed by refuse() or stop()
                return
            try:
                upstream = socket.create_connection(self._upstream, timeout=5)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._connections |= {client, upstream}
            self._start(self._pump, client, upstream)
            self._start(self._pump, upstream, client)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while self._running:
                if self._hanging:
                    time.sleep(0.05)
                    continue
                if not select.select([source], [], [], 0.1)[0]:
                    continue
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except (OSError, ValueError):  # reset by refuse(), resume() or stop(): its fd is gone
            pass
        finally:
            for end in (source, target):
                self._forget(end)

    def _forget(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)
        _reset(connection)

    def _reset_all(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            _reset(connection)

    def refuse(self) -> None:
        """Refuse new connections and reset the open ones."""
        self._listener.close()
        self._accepter.join(timeout=5)
        self._reset_all()

    def hang(self) -> None:
        """Accept and keep connections, forward nothing."""
        self._hanging = True

    def resume(self) -> None:
        """Forward again, on the same port; connections that hung are reset."""
        if self._hanging:
            self._reset_all()
            self._hanging = False
        if self._listener.fileno() == -1:
            self._listener = self._listen(self.port)
            self._accepter = self._start(self._accept, self._listener)

    def stop(self) -> None:
        self._running = False
        self._listener.close()
        self._reset_all()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
