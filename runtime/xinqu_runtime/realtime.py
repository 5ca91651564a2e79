"""Fix 13: no realtime server ships with monoframe; the runtime runs its own (runtime/realtime/).

Frappe's desk keeps a socket.io connection to Frappe's node `realtime/` server, which relays what
Python publishes on Redis' `events` channel (list updates, the notification bell, job progress,
msgprint from jobs, who is viewing a form). monoframe publishes (`monoframe/realtime.py`) and
answers the server's call-backs (`get_user_info`, `has_permission`) but has no server. Here:

- `runtime/realtime/server.js` (socket.io + Redis, packages from its own package.json/lockfile) is
  that server for one site, started by `xq realtime` beside `serve` and `worker` (scripts/run, the
  test harness); it authenticates each client by calling the web server back with its `sid`.
- The site config names its port, `socketio_port` (Frappe's key), from `SOCKETIO_PORT`. The desk
  connects to its own origin (`/socket.io/`, namespace `/<boot.sitename>`) as on a production bench,
  where nginx sends `/socket.io` to `socketio_port`: `serve` forwards those requests the same way
  (`RealtimeProxy`). The dev server cannot hand over WebSocket upgrades, so the transport is
  socket.io's HTTP long-polling, which delivers each event as soon as it is published.
- Every site of the machine publishes on the same Redis channel under the same name (`monoframe`):
  `emit_via_redis` adds the site (the database name) to each message, and the server relays only
  its own site's.
- Without `SOCKETIO_PORT` (a `serve` started by hand with no realtime server) the config keeps
  Frappe's `disable_async` switch instead, so the page does not retry a server that is not there.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import sys
from contextlib import suppress
from pathlib import Path

CONFIG_HOOK = "xinqu_runtime.realtime.site_config"
PORT_ENV = "SOCKETIO_PORT"
SERVER_DIR = Path(__file__).resolve().parents[1] / "realtime"
SOCKET_PATH = "/socket.io/"
# headers of one hop, not forwarded (RFC 9110 §7.6.1); the length is set again for the body read
HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}


def port() -> int | None:
	value = os.environ.get(PORT_ENV)
	return int(value) if value else None


def site_config() -> dict:
	if port():
		return {"socketio_port": port()}
	return {"disable_async": 1}


def apply_config() -> None:
	"""monoframe merges the dicts of the functions named in MONOFRAME_EXTRA_CONFIG into its config."""
	hooks = [h for h in os.environ.get("MONOFRAME_EXTRA_CONFIG", "").split(",") if h]
	if CONFIG_HOOK not in hooks:
		os.environ["MONOFRAME_EXTRA_CONFIG"] = ",".join([*hooks, CONFIG_HOOK])


def site_name(frappe) -> str:
	return getattr(frappe.local, "site", None) or frappe.local.conf.get("db_name") or os.environ.get("DB_NAME", "")


def apply(frappe) -> None:
	"""Each published message names its site, so that one site's server relays only its own."""
	import redis

	def emit_via_redis(event, message, room):
		from frappe.utils.background_jobs import get_redis_connection_without_auth

		with suppress(redis.exceptions.ConnectionError):
			payload = {
				"event": event,
				"message": message,
				"room": room,
				"namespace": frappe.get_site_name(),
				"site": site_name(frappe),
			}
			get_redis_connection_without_auth().publish("events", frappe.as_json(payload))

	frappe.realtime.emit_via_redis = emit_via_redis


class RealtimeProxy:
	"""WSGI middleware: `/socket.io/` requests go to the realtime server, as nginx sends them on a
	bench; everything else to the application."""

	def __init__(self, app, socketio_port: int | None):
		self.app = app
		self.socketio_port = socketio_port

	def __call__(self, environ, start_response):
		if not self.socketio_port or not environ.get("PATH_INFO", "").startswith(SOCKET_PATH):
			return self.app(environ, start_response)
		headers = {
			key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
		}
		headers = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
		if environ.get("CONTENT_TYPE"):
			headers["Content-Type"] = environ["CONTENT_TYPE"]
		headers["X-Forwarded-For"] = environ.get("REMOTE_ADDR", "")
		length = int(environ.get("CONTENT_LENGTH") or 0)
		body = environ["wsgi.input"].read(length) if length else None
		path = environ["PATH_INFO"] + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
		# a long-poll is held until an event or the ping interval (25 s)
		connection = http.client.HTTPConnection("127.0.0.1", self.socketio_port, timeout=90)
		try:
			connection.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
			response = connection.getresponse()
			data = response.read()
		except OSError as e:
			start_response("502 Bad Gateway", [("Content-Type", "text/plain")])
			return [f"realtime server unreachable: {e}".encode()]
		finally:
			connection.close()
		out = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_HEADERS | {"content-length"}]
		start_response(f"{response.status} {response.reason}", [*out, ("Content-Length", str(len(data)))])
		return [data]


def ensure_node_modules(log=print) -> None:
	from .desk import ensure_node_modules as npm_ci

	npm_ci(log, folder=SERVER_DIR)


def server_env(web_url: str, socketio_port: int) -> dict:
	"""The environment of server.js for the site whose .env is loaded."""
	import frappe

	return {
		**os.environ,
		PORT_ENV: str(socketio_port),
		"XQ_WEB_URL": web_url,
		"REDIS_QUEUE": os.environ.get("REDIS_QUEUE", "redis://127.0.0.1:6379"),
		"XQ_SITE": os.environ.get("DB_NAME", ""),
		"XQ_NAMESPACE": frappe.get_site_name(),
	}


def run(web_url: str, socketio_port: int) -> None:
	"""Replace this process with the node server (so that its pid is the server's)."""
	ensure_node_modules(log=lambda m: print(m, file=sys.stderr))
	node = shutil.which("node")
	if not node:
		raise SystemExit("node is not installed (scripts/lib/bootstrap.sh installs Debian's nodejs)")
	sys.stdout.flush()
	os.execve(node, [node, str(SERVER_DIR / "server.js")], server_env(web_url, socketio_port))


def handshake_ok(socketio_port: int, timeout: float = 2) -> bool:
	"""The server answers an Engine.IO handshake (it is up and subscribed to Redis)."""
	connection = http.client.HTTPConnection("127.0.0.1", socketio_port, timeout=timeout)
	try:
		connection.request("GET", f"{SOCKET_PATH}?EIO=4&transport=polling")
		response = connection.getresponse()
		body = response.read().decode()
		return response.status == 200 and body.startswith("0") and "sid" in json.loads(body[1:])
	except (OSError, ValueError):
		return False
	finally:
		connection.close()
