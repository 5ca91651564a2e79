"""Serve the site over HTTP (what `bench serve` / gunicorn do on real Frappe).

Runs in the site folder (fix 6); serves `/assets` and `/files` from it like bench's dev server, and
forwards `/socket.io/` to the realtime server (fix 13) as nginx does on a bench.
"""

import logging
import os
from pathlib import Path


def make_application():
	from werkzeug.middleware.shared_data import SharedDataMiddleware

	from frappe.app import application

	from . import realtime

	cwd = Path(os.getcwd())
	return realtime.RealtimeProxy(
		SharedDataMiddleware(application, {"/assets": str(cwd / "assets"), "/files": str(cwd / "public" / "files")}),
		realtime.port(),
	)


def serve(host: str, port: int) -> None:
	from werkzeug.serving import run_simple

	logging.getLogger("werkzeug").setLevel(logging.WARNING)
	run_simple(host, port, make_application(), threaded=True, use_reloader=False, use_debugger=False)
