"""Every case of a portal case type (a Case Type with a `portal_label`: by default petitions and
service requests) has a tracking code, however it came in: filed on the portal
(the code is shown at once) or registered at a window (the code is printed on the 信访受理告知书 and
told by SMS). The resident enters it at /petition/track, as printed (groups of four with dashes) or
in any case and spacing. The code lives on a `Public Submission` linking the case; it is made once,
when the case is inserted (after_insert of the case, cases/case_events.py)."""

import frappe
from frappe.utils import now_datetime

from xinqu_governance.cases.doctype.case_type.case_type import portal_case_types
from xinqu_governance.portal.tracking import format_tracking_code, generate_tracking_code

ONLINE_CHANNEL_OPTIONS = ("Internet", "Online")


def is_tracked(doctype: str) -> bool:
	"""True when cases of `doctype` get a tracking code (a portal case type)."""
	return doctype in portal_case_types()


def give_tracking_code(doc, method=None) -> None:
	"""after_insert: the case's Public Submission. The portal marks what the resident filed
	(`doc.flags.xq_submission_type`: a complaint is a Petition); a window intake is of its DocType."""
	if not is_tracked(doc.doctype):
		return
	if frappe.db.exists("Public Submission", {"reference_doctype": doc.doctype, "reference_name": doc.name}):
		return
	frappe.get_doc(
		{
			"doctype": "Public Submission",
			"tracking_code": new_tracking_code(),
			"submission_type": doc.flags.xq_submission_type or doc.doctype,
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
			"submitted_on": doc.get("reported_on") or now_datetime(),
			"jurisdiction": doc.get("jurisdiction"),
		}
	).insert(ignore_permissions=True)


def new_tracking_code() -> str:
	while True:
		code = generate_tracking_code()
		if not frappe.db.exists("Public Submission", {"tracking_code": code}):
			return code


def tracking_code_of(doctype: str, name: str) -> str:
	"""The case's tracking code as printed and sent (7KQ2-MX9D-R4TW); "" for a case without one."""
	code = frappe.db.get_value(
		"Public Submission", {"reference_doctype": doctype, "reference_name": name}, "tracking_code"
	)
	return format_tracking_code(code) if code else ""


def case_of_tracking_code(code: str) -> frappe._dict | None:
	"""The Public Submission (submission_type, reference_doctype, reference_name, submitted_on) of a
	stored (normalised) code, or None."""
	return frappe.db.get_value(
		"Public Submission",
		{"tracking_code": code},
		["submission_type", "reference_doctype", "reference_name", "submitted_on"],
		as_dict=True,
	)


def online_channel() -> str:
	"""The Petition channel of what comes in over the internet (the option is named Internet; Online in
	early versions of the DocType)."""
	field = frappe.get_meta("Petition").get_field("channel")
	options = (field.options or "").split("\n") if field else []
	return next((option for option in ONLINE_CHANNEL_OPTIONS if option in options), ONLINE_CHANNEL_OPTIONS[0])
