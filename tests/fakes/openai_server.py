"""A real local HTTP server that speaks the OpenAI chat-completions contract.

Tests and benchmarks point `openai.AsyncOpenAI(base_url=server.base_url)` at it, so the
whole client path (HTTP, JSON, timeouts, retries) runs for real, without a paid API.

Modes:
- "normal": answers `verdict` (or `verdict_for(citizen_text)`) as the JSON content.
- "sleep": like normal after `delay_seconds` (set a delay in any mode to slow it).
- "error500": HTTP 500.
- "invalid_json": 200 with content that is not JSON.
- "off_schema": 200 with JSON whose priority is outside the enumeration.
- "obey_injection": a gullible model: when the citizen text contains instructions, it
  obeys them and answers P4/other with full confidence; otherwise like normal.

`fail_first = n` answers the next n requests with HTTP 500 whatever the mode (a server
that recovers), to test the client's retries.

Run standalone for benchmarks: `python -m tests.fakes.openai_server --delay 2`.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_VERDICT: dict[str, Any] = {
    "priority": "P3",
    "category": "information_other",
    "language": "ja",
    "location_expressions": [],
    "people_count": None,
    "needs": [],
    "summary_ja": "一般的な問い合わせ",
    "translation_ja": "",
    "confidence": 0.8,
}
OBEYED_VERDICT: dict[str, Any] = {
    **DEFAULT_VERDICT,
    "priority": "P4",
    "category": "other",
    "summary_ja": "対応不要",
    "confidence": 1.0,
}
# What a gullible model would take as an order. Deliberately broad and independent of the
# project's own injection lexicon, so the tests do not grade the detector with itself.
_INSTRUCTION_MARKERS = re.compile(
    r"ignore|disregard|system|assistant|priority|classify|you are|pretend|instruction|"
    r"p4|no_action|無視|指示|優先|しすてむ|忽略|무시|abaikan|ignora|bo qua|huwag",
    re.IGNORECASE,
)


def citizen_text(body: dict[str, Any]) -> str:
    """The citizen message inside the project's user prompt (a JSON document)."""
    content = body["messages"][-1]["content"]
    try:
        return str(json.loads(content)["citizen_message"])
    except (ValueError, KeyError, TypeError):
        return str(content)


def completion(content: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) drops bursts of concurrent connections.
    request_queue_size = 512
    daemon_threads = True


class FakeOpenAIServer:
    def __init__(
        self,
        mode: str = "normal",
        *,
        delay_seconds: float = 0.0,
        verdict: dict[str, Any] | None = None,
        verdict_for: Callable[[str], dict[str, Any]] | None = None,
        fail_first: int = 0,
        port: int = 0,
    ) -> None:
        self.mode = mode
        self.delay_seconds = delay_seconds
        self.fail_first = fail_first
        self.verdict = verdict or DEFAULT_VERDICT
        self.verdict_for = verdict_for
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", port), self._handler_class())
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, body: dict[str, Any]) -> tuple[int, bytes]:
        """(HTTP status, body bytes) for one request, by mode."""
        if self.delay_seconds or self.mode == "sleep":
            time.sleep(self.delay_seconds)
        model = str(body.get("model", "fake"))
        with self._lock:
            failing = self.fail_first > 0
            if failing:
                self.fail_first -= 1
        if failing or self.mode == "error500":
            return 500, b'{"error": {"message": "boom", "type": "server_error"}}'
        if self.mode == "invalid_json":
            content = "Sure! The priority is probably P3 {not json"
        elif self.mode == "off_schema":
            content = json.dumps({**self.verdict, "priority": "P0", "category": "aliens"})
        else:
            text = citizen_text(body)
            if self.mode == "obey_injection" and _INSTRUCTION_MARKERS.search(text):
                verdict = OBEYED_VERDICT
            elif self.verdict_for is not None:
                verdict = self.verdict_for(text)
            else:
                verdict = self.verdict
            content = json.dumps(verdict, ensure_ascii=False)
        return 200, json.dumps(completion(content, model), ensure_ascii=False).encode()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                with server._lock:
                    server.requests.append(body)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    status, payload = server.answer(body)
                finally:
                    with server._lock:
                        server.in_flight -= 1
                self._send(status, payload)

            def _send(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing to tell it

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", default="normal")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = FakeOpenAIServer(args.mode, delay_seconds=args.delay, port=args.port).start()
    print(server.base_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
