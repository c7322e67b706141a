"""Read a request body with a size cap, without buffering more than the cap.

`await request.body()` reads everything first; an unauthenticated client could make the
server hold arbitrarily large bodies in memory. The declared Content-Length is checked
first, and a streamed (chunked) body is cut off as soon as it passes the cap.
"""

from __future__ import annotations

from starlette.requests import Request


class BodyTooLargeError(Exception):
    """The body is larger than the endpoint accepts (answer 413)."""


async def read_capped_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError(f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
