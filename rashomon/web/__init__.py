"""The local web application and HTTP API (``rashomon serve``): ``create_app(db_path)``."""

from .app import create_app

__all__ = ["create_app"]
