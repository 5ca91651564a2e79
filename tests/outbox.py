"""Fixtures of the message tests (a plugin, registered in tests/frappe_site.py): a real SMTP server and
an SMS gateway stand-in on loopback (scripts/outbox.py), the site's outgoing Email Account and SMS
Settings pointed at them, the district profile's Notification records, and a purge of what the tests
committed.

Sending mail commits (Frappe's `EmailQueue.send` records each recipient as sent and commits), so a
test that flushes the queue leaves its records in the database: it purges them afterwards
(`purge_messages`, and `purge_cases` / `purge_tree` of tests/case_factories.py, tests/factories.py).

Frappe's test mode (`frappe.in_test`, as its own test runner sets it; `frappe.flags.in_test` on v15)
is switched on for these tests: desk notifications are made at once instead of after the commit by a
worker, and `frappe.flags.testing_email` lets the queue really talk SMTP in test mode.
"""

import datetime
import json
import shutil

import frappe
import pytest

from scripts.outbox import Outbox
from tests.factories import REPO

NOTIFICATION_FILE = REPO / "fixtures" / "notification.json"
SMS_SETTINGS_FILE = REPO / "fixtures" / "sms_settings.json"


@pytest.fixture(scope="session")
def local_outbox():
	box = Outbox().start()
	yield box
	box.stop()


@pytest.fixture
def frappe_test_mode(monkeypatch):
	monkeypatch.setattr(frappe, "in_test", True, raising=False)
	monkeypatch.setitem(frappe.flags, "testing_email", True)
	yield


@pytest.fixture
def mail_outbox(local_outbox, frappe_test_mode):
	"""The site's default outgoing Email Account on the local SMTP server; what arrived is in
	`mail_outbox.mails`. Removed afterwards with the mails the test queued."""
	from xinqu_demo.demo_data.outbox import DEMO_ACCOUNT, ensure_demo_outbox

	started = frappe.utils.now_datetime() - datetime.timedelta(seconds=1)
	ensure_demo_outbox(smtp_port=local_outbox.smtp_port)
	local_outbox.clear()
	yield local_outbox
	frappe.db.rollback()
	frappe.delete_doc("Email Account", DEMO_ACCOUNT, force=True, ignore_permissions=True)
	purge_messages(started)
	frappe.db.commit()
	local_outbox.clear()


@pytest.fixture
def sms_gateway(local_outbox):
	"""The profile's SMS Settings (fixtures/sms_settings.json) with the gateway URL of the local
	receiver; what arrived is in `sms_gateway.sms`. The settings are emptied afterwards."""
	(settings,) = json.loads(SMS_SETTINGS_FILE.read_text(encoding="utf-8"))
	doc = frappe.get_doc("SMS Settings")
	doc.update({key: value for key, value in settings.items() if key not in ("doctype", "name")})
	doc.sms_gateway_url = local_outbox.sms_url
	doc.save(ignore_permissions=True)  # in the test's transaction (a test that commits has it emptied below)
	local_outbox.clear()
	yield local_outbox
	frappe.db.rollback()
	doc = frappe.get_doc("SMS Settings")
	doc.update(
		{"sms_gateway_url": None, "message_parameter": None, "receiver_parameter": None, "parameters": []}
	)
	doc.flags.ignore_mandatory = True
	doc.save(ignore_permissions=True)
	frappe.db.commit()
	local_outbox.clear()


@pytest.fixture
def profile_notifications(tmp_path):
	"""The district profile's Notification records (fixtures/notification.json), applied through
	`apply_profile` as a deployment does; deleted afterwards. Returns their documents by name."""
	from xinqu_governance.profile import apply_profile

	(tmp_path / "fixtures").mkdir()
	shutil.copy(NOTIFICATION_FILE, tmp_path / "fixtures" / NOTIFICATION_FILE.name)
	apply_profile(tmp_path)
	frappe.db.commit()
	docs = {doc["name"]: doc for doc in json.loads(NOTIFICATION_FILE.read_text(encoding="utf-8"))}
	yield docs
	frappe.db.rollback()
	for name in docs:
		if frappe.db.exists("Notification", name):
			frappe.delete_doc("Notification", name, force=True, ignore_permissions=True)
	frappe.db.commit()


def purge_messages(since) -> None:
	"""Delete the mails, communications, desk notifications, SMS logs and error logs made since `since`."""
	queued = frappe.get_all("Email Queue", filters={"creation": (">=", since)}, pluck="name")
	if queued:
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", queued)})
		frappe.db.delete("Email Queue", {"name": ("in", queued)})
	communications = frappe.get_all("Communication", filters={"creation": (">=", since)}, pluck="name")
	if communications:
		frappe.db.delete("Communication Link", {"parent": ("in", communications)})
		frappe.db.delete("Communication", {"name": ("in", communications)})
	for doctype in ("Notification Log", "SMS Log", "Error Log"):
		frappe.db.delete(doctype, {"creation": (">=", since)})


def mails_to(outbox: Outbox, user_email: str, subject_part: str = "") -> list:
	"""The messages the SMTP server received for `user_email` whose subject holds `subject_part`."""
	return [
		mail["message"]
		for mail in outbox.mails
		if user_email in mail["rcpt_tos"] and subject_part in str(mail["message"]["Subject"] or "")
	]


def body_of(message) -> str:
	part = message.get_body(preferencelist=("html", "plain"))
	return part.get_content() if part else ""
