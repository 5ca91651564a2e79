"""A local outbox on loopback: a real SMTP server (aiosmtpd) and an HTTP receiver standing in for an
SMS gateway, so that no message leaves the machine.

- `scripts/run` starts it for the demo (`python scripts/outbox.py --dir sites/demo/outbox`): every
  email lands in `<dir>/mail/` as a `.eml` file, every SMS as a JSON line of `<dir>/sms.jsonl`; the
  demo's outgoing Email Account (xinqu_demo: demo_data/outbox.py) and the profile's SMS Settings
  (fixtures/sms_settings.json) point at it.
- The tests start their own on free ports (tests/outbox.py) and read what arrived from memory.

The SMS receiver takes a gateway request the way Chinese HTTP SMS providers are called (GET query
or POST form / JSON with the account, the receiving number and the UTF-8 text) and answers `0`
(success, as e.g. smsbao does) with status 200.
"""

import argparse
import datetime
import email
import email.policy
import json
import os
import signal
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


class _MailHandler:
	def __init__(self, outbox: "Outbox"):
		self.outbox = outbox

	async def handle_DATA(self, server, session, envelope):
		self.outbox.add_mail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
		return "250 Message accepted for delivery"


class Outbox:
	"""An SMTP server and an SMS receiver on 127.0.0.1 (port 0: a free one); what arrived is in
	`mails` (dicts: mail_from, rcpt_tos, message — an `email.message.EmailMessage`) and `sms` (dicts:
	method, path, params), and in `folder` when one is given."""

	def __init__(self, smtp_port: int = 0, sms_port: int = 0, folder: str | Path | None = None):
		self.mails: list[dict] = []
		self.sms: list[dict] = []
		self.folder = Path(folder) if folder else None
		self._lock = threading.Lock()
		self._smtp = Controller(_MailHandler(self), hostname=HOST, port=smtp_port or _free_port())
		self._http = ThreadingHTTPServer((HOST, sms_port), _sms_handler(self))
		self._http_thread = threading.Thread(target=self._http.serve_forever, daemon=True)

	@property
	def smtp_port(self) -> int:
		return self._smtp.port

	@property
	def sms_url(self) -> str:
		return f"http://{HOST}:{self._http.server_address[1]}/sms"

	def start(self) -> "Outbox":
		if self.folder:
			(self.folder / "mail").mkdir(parents=True, exist_ok=True)
		self._smtp.start()
		self._http_thread.start()
		return self

	def stop(self) -> None:
		self._smtp.stop()
		self._http.shutdown()
		self._http.server_close()

	def clear(self) -> None:
		with self._lock:
			self.mails.clear()
			self.sms.clear()

	def add_mail(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> None:
		message = email.message_from_bytes(content, policy=email.policy.default)
		with self._lock:
			self.mails.append({"mail_from": mail_from, "rcpt_tos": rcpt_tos, "message": message})
			number = len(self.mails)
		if self.folder:
			# named by arrival (time of day and a per-run number): a restarted outbox keeps the earlier ones
			name = f"{datetime.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}-{number:05d}.eml"
			(self.folder / "mail" / name).write_bytes(content)

	def add_sms(self, record: dict) -> None:
		with self._lock:
			self.sms.append(record)
		if self.folder:
			with open(self.folder / "sms.jsonl", "a", encoding="utf-8") as f:
				f.write(json.dumps(record, ensure_ascii=False) + "\n")


def _sms_handler(outbox: Outbox):
	class Handler(BaseHTTPRequestHandler):
		def do_GET(self):
			url = urllib.parse.urlsplit(self.path)
			self._receive(url.path, urllib.parse.parse_qs(url.query))

		def do_POST(self):
			url = urllib.parse.urlsplit(self.path)
			body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
			if "json" in (self.headers.get("Content-Type") or ""):
				params = {key: [str(value)] for key, value in json.loads(body or "{}").items()}
			else:
				params = urllib.parse.parse_qs(body)
			self._receive(url.path, params)

		def _receive(self, path: str, params: dict):
			outbox.add_sms(
				{
					"method": self.command,
					"path": path,
					"params": {key: values[-1] for key, values in params.items()},
				}
			)
			self.send_response(200)
			self.send_header("Content-Type", "text/plain; charset=utf-8")
			self.end_headers()
			self.wfile.write(b"0")

		def log_message(self, *args):
			pass

	return Handler


def _free_port() -> int:
	import socket

	with socket.socket() as s:
		s.bind((HOST, 0))
		return s.getsockname()[1]


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--dir", required=True, help="where the mails and SMS are kept")
	parser.add_argument("--smtp-port", type=int, default=2525)
	parser.add_argument("--sms-port", type=int, default=8026)
	args = parser.parse_args()
	outbox = Outbox(args.smtp_port, args.sms_port, args.dir).start()
	print(f"outbox: SMTP {HOST}:{outbox.smtp_port}, SMS {outbox.sms_url}, kept in {args.dir}", flush=True)
	stopped = threading.Event()
	signal.signal(signal.SIGTERM, lambda *_: stopped.set())
	signal.signal(signal.SIGINT, lambda *_: stopped.set())
	stopped.wait()
	outbox.stop()


if __name__ == "__main__":
	main()
