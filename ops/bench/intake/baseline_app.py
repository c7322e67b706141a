"""The baseline: a bare FastAPI endpoint that only parses the body, on the same server."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.post("/api/v1/inquiries")
async def accept(request: Request) -> JSONResponse:
    body = json.loads(await request.body())
    return JSONResponse({"id": "0", "length": len(body["text"])}, status_code=202)
