"""The console's own files and the front-end libraries it uses, served by the app.

Leaflet and its marker clustering come from their PyPI XStatic packages (installed with
the app, nothing copied into this repository, no CDN): the console works with no
internet, as a disaster HQ may have none.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

OWN_FILES = Path(__file__).parent / "static"


def _xstatic_dir(module: str) -> Path | None:
    """The folder of an installed XStatic package's files; None if it is missing."""
    try:
        package = __import__(f"xstatic.pkg.{module}", fromlist=["BASE_DIR"])
    except ImportError:
        return None
    return Path(package.BASE_DIR)


def mount_console_static(app: FastAPI) -> None:
    app.mount("/console/static", StaticFiles(directory=OWN_FILES), name="console-static")
    for module, path in (
        ("leaflet", "/console/vendor/leaflet"),
        ("leaflet_markercluster", "/console/vendor/markercluster"),
    ):
        folder = _xstatic_dir(module)
        if folder is not None:
            app.mount(path, StaticFiles(directory=folder), name=f"vendor-{module}")
