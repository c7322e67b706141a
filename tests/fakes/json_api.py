"""The HTTP plumbing the fake provider APIs share: a threaded local server that hands
each POST to the fake's `handle` and answers JSON, plus scripted failures (`fail_next`)
for exercising retries."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

# A scripted "failure" that is worse than an error: the provider takes the request and
# its answer never arrives (what a read timeout looks like from the client).
STALL = -1


@dataclass
class JsonApiServer:
    stall_seconds: float = field(default=2.0, init=False)
    _failures: list[int] = field(default_factory=list, init=False)
    _server: ThreadingHTTPServer | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer `status` to the next `times` calls, as a provider under load would;
        `STALL` takes the request (it counts as sent) and never answers."""
        with self._lock:
            self._failures.extend([status] * times)

    def handle(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def handle_get(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, Any]]:
        return 404, {"message": f"no resource at {request.path}"}

    def start(self) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self._answer(*fake.handle(self))

            def do_GET(self) -> None:
                self._answer(*fake.handle_get(self))

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                if status == STALL:
                    # Accepted, then the answer is lost: hold the connection past the
                    # client's timeout and close it unanswered.
                    time.sleep(fake.stall_seconds)
                    self.close_connection = True
                    return
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
