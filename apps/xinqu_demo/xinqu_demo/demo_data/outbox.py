"""The demo's outgoing mail: a default outgoing Email Account on a local SMTP server.

`scripts/run` starts a local outbox on loopback (scripts/outbox.py: SMTP on 127.0.0.1:2525, the SMS
receiver on 127.0.0.1:8026) before it applies the profile, then runs `xinqu-demo-outbox` (`ensure_demo_outbox`), so the
demo's notification emails are really sent — to a mailbox folder on this machine. The profile
itself ships no Email Account: a district sets its own mail server, and Frappe checks an Email
Account's SMTP connection whenever it is saved (the profile is applied where no server runs, e.g.
by the tests). The profile's SMS Settings (fixtures/sms_settings.json) name the same loopback
receiver, so no SMS leaves the machine until an administrator enters the district's gateway.
"""

import frappe

DEMO_ACCOUNT = "海东高铁新区通知"
DEMO_SENDER = "notice@xinqu.example"


def ensure_demo_outbox(smtp_server: str = "127.0.0.1", smtp_port: int = 2525) -> str:
	"""The default outgoing Email Account, on `smtp_server:smtp_port` without authentication or TLS
	(created or updated; committed). Returns its name."""
	values = {
		"email_id": DEMO_SENDER,
		"enable_outgoing": 1,
		"default_outgoing": 1,
		"enable_incoming": 0,
		"smtp_server": smtp_server,
		"smtp_port": str(smtp_port),
		"use_tls": 0,
		"use_ssl_for_outgoing": 0,
		"no_smtp_authentication": 1,
		"always_use_account_email_id_as_sender": 1,
		"always_use_account_name_as_sender_name": 1,
		"create_contact": 0,
		"track_email_status": 0,
		"send_unsubscribe_message": 0,
	}
	if frappe.db.exists("Email Account", DEMO_ACCOUNT):
		account = frappe.get_doc("Email Account", DEMO_ACCOUNT)
		account.update(values)
		account.save(ignore_permissions=True)
	else:
		account = frappe.get_doc({"doctype": "Email Account", "email_account_name": DEMO_ACCOUNT, **values})
		account.insert(ignore_permissions=True)
	frappe.db.commit()
	return account.name
