"""Who is told what: Frappe `Notification` records of the district profile (fixtures/notification.json),
editable by the Governance Administrator in the desk (Notification list), one record per event and
case DocType, each sending one desk bell entry (System Notification) and one email, or one SMS to a
resident. `docs/rules.md` ("Notifications") lists them.

What Frappe's Notification expresses directly is data there: the event (New, Value Change, Days
Before, Method), the condition, recipients by document field (the assignee, the case owner, the
supervision's responsible user and issuer, the petitioner's phone). Two things it cannot express
live here, each in one place:

- Recipients that are neither a field nor a role: the active members and the supervisors of the
  case's Handling Unit (a child table of another record), the officers holding a role at a
  jurisdiction node (Jurisdiction Assignment). A Notification Recipient's CC is a Jinja template, so
  the records call the Jinja methods below (registered one by one in hooks `jinja.methods`, not
  whitelisted for HTTP) and get a list of email addresses back: one query per notification, no copy
  of the rule in the record.
- Events that are no save of a document: the SLA job marks cases Due Soon / Overdue set-based
  (without loading or saving them, cases/escalation.py). For the cases it just marked it runs the
  DocType's `Method` notifications `xq_sla_due_soon` / `xq_sla_overdue` (`run_marked_case_events`),
  Frappe's own hook for "an app method ran on this document"; each case is marked once per deadline,
  so it is told once.

"A case assigned to you" is Frappe's own assignment notification (`assign_to.add` → Notification Log of
type Assignment, email by the user's Notification Settings), made by every assignment, the app's and
the desk's alike (cases/assignment_todo.py); a Notification record as well would tell the assignee
twice.

Texts are the site's language and dates as people read them (`xq_when`: 2026年12月2日 14:05), whoever
or whatever job triggers them.
"""

import frappe
from frappe.utils import get_url, get_url_to_form

from xinqu_governance.cases.assignment import active_members, supervisors_of
from xinqu_governance.governance.site_language import human_datetime, in_site_language

SLA_DUE_SOON = "xq_sla_due_soon"
SLA_OVERDUE = "xq_sla_overdue"


# ------------------------------------------------------------------------------------------------
# Jinja methods of the Notification records (hooks `jinja.methods`)


def xq_when(value) -> str:
	"""A date and time as people read them in the site's language (zh: 2026年12月2日 14:05)."""
	with in_site_language():
		return human_datetime(value)


def xq_t(text) -> str:
	"""`text` (a DocType, a level, a state) translated into the site's language."""
	with in_site_language():
		return frappe._(text) if text else ""


def xq_case_url(doctype: str, name: str) -> str:
	"""The absolute address of a record's desk form (the link in an email)."""
	return get_url_to_form(doctype, name) if doctype and name else ""


def xq_unit_supervisors(unit: str | None) -> str:
	"""The email addresses of the supervisors of a Handling Unit (one per line)."""
	return _emails(supervisors_of(unit))


def xq_unit_members(unit: str | None) -> str:
	"""The email addresses of the active members of a Handling Unit (one per line)."""
	return _emails(active_members(unit) if unit else [])


def xq_officers_at(jurisdiction: str | None) -> str:
	"""The email addresses of the users holding an active role at exactly this node."""
	from xinqu_governance.cases.early_warning import officers_at

	return _emails(officers_at(jurisdiction) if jurisdiction else [])


def xq_supervision_issuer(supervision: str | None) -> str:
	"""The email address of the leader who issued a supervision."""
	issuer = frappe.db.get_value("Supervision", supervision, "issued_by") if supervision else None
	return _emails([issuer])


def xq_case_handling_unit(case_doctype: str | None, case_name: str | None) -> str:
	"""The handling unit of the case a record (early warning, supervision) is about."""
	if not (case_doctype and case_name):
		return ""
	return frappe.db.get_value(case_doctype, case_name, "handling_unit") or ""


def xq_track_url() -> str:
	"""The address of the residents' tracking page."""
	return get_url("/petition/track")


def _emails(users) -> str:
	"""Email addresses of the enabled users among `users` (people only, not Administrator / Guest)."""
	names = sorted({user for user in users if user and user not in ("Administrator", "Guest")})
	if not names:
		return ""
	return "\n".join(
		frappe.get_all(
			"User", filters={"name": ("in", names), "enabled": 1}, order_by="name asc", pluck="email"
		)
	)


# ------------------------------------------------------------------------------------------------
# Events of the SLA job


def run_marked_case_events(doctype: str, names: list[str], method: str) -> int:
	"""Run the `Method` notifications `method` of `doctype` on the cases the SLA job just marked.
	Nothing is loaded when no enabled Notification listens (the marking stays set-based)."""
	if not names or not frappe.get_all(
		"Notification",
		filters={"enabled": 1, "document_type": doctype, "event": "Method", "method": method},
		limit=1,
	):
		return 0
	for name in names:
		frappe.get_doc(doctype, name).run_method(method)
	return len(names)
