"""The load benchmark's bare baseline: the three intake paths, parsed and answered, no
verification, no storage. Same uvicorn settings as `triage serve` (`--workers 2`).

    uvicorn ops.bench.load.bare_app:app --workers 2
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

app = FastAPI()

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


@app.post("/api/v1/inquiries")
async def web(request: Request) -> JSONResponse:
    body = json.loads(await request.body())
    return JSONResponse({"id": "0", "length": len(body["text"])}, status_code=202)


@app.post("/webhooks/twilio/sms")
async def sms(request: Request) -> Response:
    form = await request.form()
    return Response(
        EMPTY_TWIML if form.get("Body") is not None else "", media_type="application/xml"
    )


@app.post("/webhooks/line")
async def line(request: Request) -> JSONResponse:
    json.loads(await request.body())
    return JSONResponse({})


@app.get("/healthz")
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})
