"""Residents file a petition (信访), a complaint (投诉) or a service request (便民服务) on the public
portal (/petition) and follow it with a tracking code (/petition/track).

`submit` is the one guest endpoint. It validates everything first and writes nothing on bad input;
then it creates the Petition (a complaint is a Petition too, channel Internet) or the Service Request
with ignore_permissions; its `Public Submission` holding the tracking code is made on insert, as for a
case registered at a window (portal/case_tracking.py). Guests get no other
access: no REST on Petition or Service Request, and the tracking page shows only the few fields
`case_progress` returns.
"""

import frappe
from frappe import _
from frappe.utils import cint

from xinqu_governance.governance.site_language import site_language
from xinqu_governance.portal.case_tracking import (
	TRACKED_DOCTYPES,
	case_of_tracking_code,
	online_channel,
	tracking_code_of,
)
from xinqu_governance.portal.client_address import count_request
from xinqu_governance.portal.resident_feedback import feedback_options
from xinqu_governance.portal.tracking import format_tracking_code, is_tracking_code, normalize_tracking_code
from xinqu_governance.registry import citizen_id
from xinqu_governance.registry.utils import LEVEL_VILLAGE, is_valid_phone, normalize_phone

# What a resident may file, and the DocType each becomes.
CASE_DOCTYPE_OF = {
	"Petition": "Petition",
	"Complaint": "Petition",
	"Service Request": "Service Request",
}
MAX_NAME_LENGTH = 40
MIN_CONTENT_LENGTH = 5
MAX_CONTENT_LENGTH = 2000
SUBJECT_LENGTH = 40
DEFAULT_SUBMISSIONS_PER_HOUR = 10
SUBMISSION_WINDOW_SECONDS = 60 * 60
DEFAULT_LOOKUPS_PER_HOUR = 60


class PublicSubmissionError(frappe.ValidationError):
	"""The portal form has errors (one line each; over HTTP also as `field_errors` in the response)."""


class TooManyLookupsError(frappe.ValidationError):
	pass


# ---------------------------------------------------------------------------------------------
# What the form offers (read server-side for guests: names only)


def village_options() -> list[dict]:
	"""Village-level jurisdictions grouped by town, in tree order: [{"town": name, "villages": [names]}]."""
	villages = frappe.get_all(
		"Jurisdiction",
		filters={"level": LEVEL_VILLAGE},
		fields=["name", "parent_jurisdiction"],
		order_by="lft asc",
	)
	groups: dict[str, list[str]] = {}
	for village in villages:
		groups.setdefault(village.parent_jurisdiction or "", []).append(village.name)
	return [{"town": town, "villages": names} for town, names in groups.items()]


def category_options(submission_type: str) -> list[str]:
	"""Case Categories a submission of this type may take (used for All or for its DocType)."""
	doctype = CASE_DOCTYPE_OF.get(submission_type)
	if not doctype:
		return []
	return frappe.get_all(
		"Case Category",
		or_filters=[["used_for", "in", ("All", doctype)], ["used_for", "is", "not set"]],
		pluck="name",
		order_by="name asc",
	)


def service_type_options() -> list[str]:
	field = frappe.get_meta("Service Request").get_field("service_type")
	return [option for option in (field.options or "").split("\n") if option]


# ---------------------------------------------------------------------------------------------
# Validation


def clean_text(value) -> str:
	"""Strip surrounding blanks and control characters (keep line breaks and tabs)."""
	text = str(value or "")
	return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()


def validate_submission(values: dict) -> tuple[dict, dict[str, str]]:
	"""Check the form's values. Returns (clean values, {form field: translated error})."""
	errors: dict[str, str] = {}
	clean = frappe._dict()

	clean.submission_type = clean_text(values.get("submission_type"))
	if clean.submission_type not in CASE_DOCTYPE_OF:
		errors["submission_type"] = _(
			"Choose what you are filing: a petition, a complaint or a service request."
		)

	clean.jurisdiction = clean_text(values.get("jurisdiction"))
	if not clean.jurisdiction:
		errors["jurisdiction"] = _("Choose your village or community.")
	elif frappe.db.get_value("Jurisdiction", clean.jurisdiction, "level") != LEVEL_VILLAGE:
		errors["jurisdiction"] = _("Choose a village or community from the list.")

	clean.full_name = clean_text(values.get("full_name"))
	if not clean.full_name:
		errors["full_name"] = _("Enter your name.")
	elif len(clean.full_name) > MAX_NAME_LENGTH:
		errors["full_name"] = _("The name is longer than {0} characters.").format(MAX_NAME_LENGTH)

	clean.phone = normalize_phone(clean_text(values.get("phone")))
	if not clean.phone:
		errors["phone"] = _("Enter a phone number we can reach you on.")
	elif not is_valid_phone(clean.phone):
		errors["phone"] = _(
			"{0} is neither an 11-digit mobile number nor a landline number such as 0972-8613552."
		).format(clean.phone)

	clean.id_number = None
	raw_id = clean_text(values.get("id_number"))
	if raw_id:
		try:
			clean.id_number = citizen_id.parse(raw_id).number
		except citizen_id.CitizenIDError as error:
			errors["id_number"] = _("Citizen ID number: {0}").format(error.message)

	clean.category = clean_text(values.get("category")) or None
	if clean.category and clean.category not in category_options(clean.submission_type):
		errors["category"] = _("Choose a category from the list.")

	clean.service_type = clean_text(values.get("service_type")) or None
	if clean.submission_type == "Service Request":
		if not clean.service_type:
			errors["service_type"] = _("Choose the service you need.")
		elif clean.service_type not in service_type_options():
			errors["service_type"] = _("Choose a service from the list.")
	else:
		clean.service_type = None

	clean.content = clean_text(values.get("content"))
	if not clean.content:
		errors["content"] = _("Describe your matter.")
	elif len(clean.content) < MIN_CONTENT_LENGTH:
		errors["content"] = _("Describe your matter in at least {0} characters.").format(MIN_CONTENT_LENGTH)
	elif len(clean.content) > MAX_CONTENT_LENGTH:
		errors["content"] = _("The description is longer than {0} characters.").format(MAX_CONTENT_LENGTH)

	return clean, errors


# ---------------------------------------------------------------------------------------------
# Filing


def submissions_per_hour() -> int:
	"""Per client address (portal/client_address.py); site config `xinqu_portal_submissions_per_hour`
	overrides the default."""
	return cint(frappe.conf.get("xinqu_portal_submissions_per_hour")) or DEFAULT_SUBMISSIONS_PER_HOUR


def submit(
	submission_type: str | None = None,
	jurisdiction: str | None = None,
	full_name: str | None = None,
	phone: str | None = None,
	id_number: str | None = None,
	category: str | None = None,
	content: str | None = None,
	service_type: str | None = None,
) -> dict:
	"""File a petition, complaint or service request from the public portal; returns the tracking code."""
	if not count_request("submit", submissions_per_hour(), SUBMISSION_WINDOW_SECONDS):
		frappe.throw(
			_("Too many submissions from your address. Please try again in an hour."),
			frappe.TooManyRequestsError,
		)
	values = {
		"submission_type": submission_type,
		"jurisdiction": jurisdiction,
		"full_name": full_name,
		"phone": phone,
		"id_number": id_number,
		"category": category,
		"content": content,
		"service_type": service_type,
	}
	return file_submission(values)


def file_submission(values: dict) -> dict:
	clean, errors = validate_submission(values)
	if errors:
		if getattr(frappe.local, "response", None) is not None:
			frappe.local.response["field_errors"] = errors
		frappe.throw("\n".join(errors.values()), PublicSubmissionError, title=_("Please check the form"))

	case = make_case(clean)  # its tracking code is made on insert (portal/case_tracking.py)
	return {
		"tracking_code": tracking_code_of(case.doctype, case.name),
		"case_number": case.name,
		"submission_type": clean.submission_type,
	}


def make_case(clean: frappe._dict):
	subject = subject_of(clean)
	if CASE_DOCTYPE_OF[clean.submission_type] == "Petition":
		doc = frappe.get_doc(
			{
				"doctype": "Petition",
				"subject": subject,
				"channel": online_channel(),
				"content": clean.content,
				"petitioner_name": clean.full_name,
				"petitioner_phone": clean.phone,
				"petitioner_id_number": clean.id_number,
				"people_count": 1,
				"jurisdiction": clean.jurisdiction,
				"category": clean.category,
			}
		)
	else:
		doc = frappe.get_doc(
			{
				"doctype": "Service Request",
				"subject": subject,
				"service_type": clean.service_type,
				"applicant_name": clean.full_name,
				"applicant_phone": clean.phone,
				"applicant_id_number": clean.id_number,
				"request_details": clean.content,
				"jurisdiction": clean.jurisdiction,
				"category": clean.category,
			}
		)
	doc.flags.xq_submission_type = clean.submission_type
	return doc.insert(ignore_permissions=True)


def subject_of(clean: frappe._dict) -> str:
	"""The first line of the content, shortened; complaints marked as such in the site's language (the
	staff read it in the desk, whatever language the resident's browser asked for)."""
	first_line = clean.content.splitlines()[0].strip()
	head = first_line if len(first_line) <= SUBJECT_LENGTH else first_line[: SUBJECT_LENGTH - 1] + "…"
	if clean.submission_type == "Complaint":
		return _("Complaint: {0}", lang=site_language()).format(head)
	return head


# ---------------------------------------------------------------------------------------------
# Tracking


def lookups_per_hour() -> int:
	return cint(frappe.conf.get("xinqu_portal_lookups_per_hour")) or DEFAULT_LOOKUPS_PER_HOUR


def count_lookup() -> None:
	"""Tracking codes are bearer keys: limit how many a client may try (per IP address, per hour)."""
	if not count_request("lookup", lookups_per_hour(), SUBMISSION_WINDOW_SECONDS):
		raise TooManyLookupsError(_("Too many lookups from your address. Please try again in an hour."))


def case_progress(code: str | None) -> dict | None:
	"""What the resident may see of the case behind a tracking code, or None (unknown code)."""
	code = normalize_tracking_code(code)
	if not is_tracking_code(code):
		return None
	submission = case_of_tracking_code(code)
	if not submission or submission.reference_doctype not in TRACKED_DOCTYPES:
		return None
	if submission.reference_doctype == "Petition":
		# due: the reply once accepted, the decision on acceptance before (both from the SLA Rules)
		fields = ["workflow_state", "handling_unit", "closed_on", "reply", "replied_on"]
		fields += ["reply_due", "acceptance_due", "self_rating", "review_petition"]
	else:
		fields = [
			"workflow_state",
			"handling_unit",
			"closed_on",
			"result",
			"due_date",
			"self_rating",
			"is_done",
		]
	case = frappe.db.get_value(submission.reference_doctype, submission.reference_name, fields, as_dict=True)
	if not case:
		return None
	reply = (case.get("reply") if submission.reference_doctype == "Petition" else case.get("result")) or ""
	return {
		"tracking_code": format_tracking_code(code),
		"case_number": submission.reference_name,
		"submission_type": submission.submission_type,
		"submission_type_label": _(submission.submission_type),
		"status": _(case.workflow_state) if case.workflow_state else _("Received"),
		"is_closed": bool(case.closed_on),
		"handling_unit": case.handling_unit,
		"submitted_on": submission.submitted_on,
		"due_on": case.get("reply_due") or case.get("acceptance_due") or case.get("due_date"),
		"closed_on": case.closed_on,
		"reply": reply.strip(),
		"replied_on": case.get("replied_on"),
		# what the resident may still do: rate, ask for a review (portal/resident_feedback.py)
		"feedback": feedback_options(submission.reference_doctype, case),
	}
