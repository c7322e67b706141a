"""/docs works offline: Swagger UI comes from the installed package, not a CDN."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_api_docs_load_nothing_from_outside(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text.replace("https://testserver", "")
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    script = client.get("/static/swagger-ui/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert client.get("/static/swagger-ui/swagger-ui.css").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/api/v1/inquiries"]
    assert client.get("/redoc").status_code == 404  # it would need a CDN
