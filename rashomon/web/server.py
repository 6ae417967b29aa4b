"""Running the app on uvicorn: one place that says how, for ``rashomon serve``, the tests and the benches.

uvicorn answers a request it cannot parse (a raw space or a non-ASCII byte in the
request line) itself, before the application sees it, with a bare text/plain 400.
Our protocol answers it in the API's error shape with the security headers every
other response carries.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import SECURITY_HEADERS, error_body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with its own 400 (an unparsable request) in the error shape and headers."""

    def send_400_response(self, msg: str) -> None:
        body = json.dumps(error_body(400, f"request: not a valid HTTP request ({msg.rstrip('.').lower()})")).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *SECURITY_HEADERS,
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.close()


def config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, http=GuardedH11Protocol, log_level="warning", **options)


def serve(app: Any, host: str, port: int) -> None:
    uvicorn.Server(config(app, host, port)).run()


def free_port() -> int:
    """A loopback port no one listens on now (for servers the tests and benches start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
