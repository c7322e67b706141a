"""`/docs`: the OpenAPI reference, served with Swagger UI from an installed package
(`swagger-ui-bundle`), so it works at a disaster HQ with no internet. FastAPI's default
page loads Swagger UI from a CDN, which is a blank page offline and a third-party script
on the console's origin."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

STATIC_PATH = "/static/swagger-ui"

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="災害時問い合わせトリアージ API",
        swagger_js_url=f"{STATIC_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{STATIC_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{STATIC_PATH}/favicon-32x32.png",
    )


def mount_api_docs(app: FastAPI) -> None:
    app.mount(STATIC_PATH, StaticFiles(directory=swagger_ui_path), name="swagger-ui")
    app.include_router(router)
