"""pytest plugin (loaded by pytest.ini for every test path): a connected `frappe` on the test site, and a live HTTP server.

The test site is made by scripts/test (`sites/$XQ_TEST_DB`, database `$XQ_TEST_DB`). pytest runs
in that site's folder with `frappe` connected as Administrator; each test creates its own records
and removes them (see tests/factories.py).
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[1]
TEST_DB = os.environ.get("XQ_TEST_DB", "xinqu_test")
SITE_DIR = Path(os.environ.get("XQ_SITE_DIR", REPO / "sites" / TEST_DB))


def _connect():
	from xinqu_runtime import site

	if not (SITE_DIR / ".env").exists():
		pytest.exit(f"test site {SITE_DIR} does not exist: run scripts/test", returncode=2)
	return site.connect(SITE_DIR)


frappe = _connect()
frappe.flags.in_test = True


@pytest.fixture(autouse=True)
def _as_administrator():
	"""Each test starts and ends as Administrator with a clean transaction, in English: tests
	assert on the source strings (the site's language is Chinese; tests of the Chinese catalogue
	ask for it explicitly)."""
	frappe.set_user("Administrator")
	frappe.local.lang = "en"
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.local.message_log = []


# jobs the worker may still have to run when a test starts; Frappe refuses new ones at 500 (+50 a
# site) in one queue (QueueOverloaded)
QUEUE_BACKLOG = 150
QUEUE_WAIT_SECONDS = 600


@pytest.fixture(autouse=True)
def _queue_backpressure(background_worker):
	"""Each test starts only once the worker has caught up with the jobs the tests before it made
	(user creation alone enqueues several): a worker slowed by a loaded machine otherwise falls
	behind until Frappe refuses every enqueue with QueueOverloaded, failing whatever test is running
	then. The wait is for the backlog to fall below QUEUE_BACKLOG, never for it to be empty (jobs of
	rolled-back records fail fast); a backlog still above it after QUEUE_WAIT_SECONDS, or a worker
	that died, fails the test."""
	from frappe.utils.background_jobs import get_queues

	def backlog():
		return sum(queue.count for queue in get_queues())

	deadline = time.monotonic() + QUEUE_WAIT_SECONDS
	while backlog() > QUEUE_BACKLOG:
		if time.monotonic() > deadline or background_worker.poll() is not None:
			pytest.fail(f"the background worker did not drain the queue ({backlog()} jobs): see logs/worker.log")
		time.sleep(0.2)


@pytest.fixture
def clean_site():
	"""For tests that apply the district profile: everything it wrote is rolled back, and the caches
	that may hold it are cleared."""
	yield
	frappe.set_user("Administrator")
	frappe.db.rollback()
	frappe.clear_cache()


def _runtime_process(*args: str, log_name: str, env: dict | None = None) -> subprocess.Popen:
	log = open(SITE_DIR / "logs" / log_name, "w")
	return subprocess.Popen(
		[sys.executable, "-m", "xinqu_runtime", "--site-dir", str(SITE_DIR), *args],
		stdout=log,
		stderr=subprocess.STDOUT,
		env={**os.environ, "XQ_SITE_DIR": str(SITE_DIR), **(env or {})},
	)


@pytest.fixture(scope="session", autouse=True)
def background_worker():
	"""A background worker drains the test site's queues while the tests run, as on a real
	bench (otherwise jobs the framework enqueues, e.g. on user creation, pile up until Frappe
	refuses new ones with QueueOverloaded). Jobs an earlier session left queued (it stopped its
	worker before the queue was drained) refer to records that session rolled back or purged: they
	are dropped first, so sessions on the same test site do not add up to QueueOverloaded."""
	from frappe.utils.background_jobs import get_queues

	for queue in get_queues():
		queue.empty()
	proc = _runtime_process("worker", log_name="worker.log")
	yield proc
	proc.terminate()
	proc.wait(10)


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


@pytest.fixture(scope="session")
def realtime_port(live_server):
	"""Port of the realtime (socket.io) server that runs beside the live server (runtime fix 13)."""
	return _realtime["port"]


_realtime: dict = {}


def _stop(proc: subprocess.Popen) -> None:
	proc.terminate()
	try:
		proc.wait(10)
	except subprocess.TimeoutExpired:
		proc.kill()


@pytest.fixture(scope="session")
def live_server():
	"""Base URL of a real HTTP server (the runtime's `serve`) on the test site, with the realtime
	server beside it (`serve` forwards /socket.io/ to it, as on a bench), each on a free port."""
	from xinqu_runtime import realtime

	port, socketio_port = _free_port(), _free_port()
	url = f"http://127.0.0.1:{port}"
	_realtime["port"] = socketio_port
	sockets = _runtime_process(
		"realtime", "--port", str(socketio_port), "--web-url", url, log_name="live_realtime.log"
	)
	proc = _runtime_process(
		"serve", "--port", str(port), log_name="live_server.log", env={realtime.PORT_ENV: str(socketio_port)}
	)
	# the first request imports the app and warms the caches: on a loaded machine it takes a while, so
	# wait on a deadline and count a slow answer (read timeout) like a refused connection
	deadline = time.monotonic() + 180
	up = False
	while not up and time.monotonic() < deadline and proc.poll() is None:
		try:
			up = requests.get(f"{url}/api/method/ping", timeout=10).ok
		except requests.RequestException:
			pass
		if not up:
			time.sleep(0.5)
	if not up:
		proc.kill()
		sockets.kill()
		raise RuntimeError(f"live server did not start: see {SITE_DIR / 'logs' / 'live_server.log'}")
	while not realtime.handshake_ok(socketio_port) and time.monotonic() < deadline and sockets.poll() is None:
		time.sleep(0.5)
	if not realtime.handshake_ok(socketio_port):
		proc.kill()
		sockets.kill()
		raise RuntimeError(f"realtime server did not start: see {SITE_DIR / 'logs' / 'live_realtime.log'}")
	yield url
	_stop(proc)
	_stop(sockets)


def login(url: str, user: str, password: str) -> requests.Session:
	"""A requests session logged in through /api/method/login; it sends the session's CSRF token
	(returned by the login, see governance/session_csrf.py) with every request, as the desk does."""
	session = requests.Session()
	response = session.post(f"{url}/api/method/login", data={"usr": user, "pwd": password}, timeout=30)
	response.raise_for_status()
	session.headers["X-Frappe-CSRF-Token"] = response.json().get("csrf_token") or ""
	return session


@pytest.fixture
def http_login(live_server):
	return lambda user, password: login(live_server, user, password)


# one Chromium for the whole session (Playwright's sync API cannot be started twice in a process)
from tests.desk import chromium  # noqa: E402, F401

# a real SMTP server and an SMS receiver on loopback, the outgoing Email Account and SMS Settings on them,
# the profile's Notification records (tests/outbox.py)
from tests.outbox import (  # noqa: E402, F401
	frappe_test_mode,
	local_outbox,
	mail_outbox,
	profile_notifications,
	sms_gateway,
)
