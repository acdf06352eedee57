"""The WSGI entry point: ``gunicorn app:app`` (see Procfile). Only creates the app."""

from ivr import create_app

app = create_app()
