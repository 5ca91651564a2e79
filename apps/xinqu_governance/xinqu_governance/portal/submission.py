"""Residents file a matter on the public portal (/petition) and follow it with a tracking code
(/petition/track). What they may file is data: every Case Type with a `portal_label` (in the app's
defaults a petition 信访 and a service request 便民服务), and a complaint (投诉), which is filed as a
Petition whose subject says so.

`submit` is the one guest endpoint. It validates everything first and writes nothing on bad input;
then it creates the case with ignore_permissions, its fields filled by the Case Type's intake rows
(applies to Portal: the resident's name, phone, ID number, the description, fixed values such as a
petition's channel Internet); its `Public Submission` holding the tracking code is made on insert, as for a
case registered at a window (portal/case_tracking.py). Guests get no other
access: no REST on Petition or Service Request, and the tracking page shows only the few fields
`case_progress` returns.
"""

import frappe
from frappe import _
from frappe.utils import cint

from xinqu_governance.governance.site_language import site_language
from xinqu_governance.cases.doctype.case_category.case_category import categories_for
from xinqu_governance.cases.doctype.case_type.case_type import (
	intake_values,
	portal_case_types,
	takes_intake_value,
)
from xinqu_governance.portal.case_tracking import case_of_tracking_code, is_tracked, tracking_code_of
from xinqu_governance.portal.client_address import count_request
from xinqu_governance.portal.resident_feedback import feedback_options
from xinqu_governance.portal.tracking import format_tracking_code, is_tracking_code, normalize_tracking_code
from xinqu_governance.registry import citizen_id
from xinqu_governance.registry.utils import LEVEL_VILLAGE, is_valid_phone, normalize_phone

# A complaint (投诉) is no case type of its own: it is filed as a petition, its subject marked.
COMPLAINT = "Complaint"
COMPLAINT_DOCTYPE = "Petition"
MAX_NAME_LENGTH = 40
MIN_CONTENT_LENGTH = 5
MAX_CONTENT_LENGTH = 2000
SUBJECT_LENGTH = 40
DEFAULT_SUBMISSIONS_PER_HOUR = 10
SUBMISSION_WINDOW_SECONDS = 60 * 60
DEFAULT_LOOKUPS_PER_HOUR = 60
# What the tracking page shows of a case beyond its state, unit and closing, where the DocType has the
# field: the answer (a petition's reply, a service request's result), the due date (a petition's reply
# or acceptance due, a request's due date; else the SLA's resolution due), the resident's rating and
# review, whether a request is done.
PROGRESS_FIELDS = (
	*("reply", "replied_on", "reply_due", "acceptance_due", "review_petition"),
	*("result", "due_date", "is_done", "self_rating"),
)


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


def submission_types() -> dict[str, str]:
	"""{submission type: its label on the form}: each portal Case Type (the type is its DocType's name),
	and a complaint after the petition when petitions are filed on the portal."""
	types = {}
	for doctype, label in portal_case_types().items():
		types[doctype] = label
		if doctype == COMPLAINT_DOCTYPE:
			types[COMPLAINT] = "A complaint"
	return types


def case_doctype_of(submission_type: str | None) -> str | None:
	"""The case DocType a submission of this type becomes (None: not filed on the portal)."""
	if submission_type not in submission_types():
		return None
	return COMPLAINT_DOCTYPE if submission_type == COMPLAINT else submission_type


def asks_service_type(submission_type: str | None) -> bool:
	"""The form asks for the service when the type's intake takes one (a service request)."""
	doctype = case_doctype_of(submission_type)
	return bool(doctype) and takes_intake_value(doctype, "Portal", "Service Type")


def category_options(submission_type: str) -> list[str]:
	"""Case Categories a submission of this type may take (used for every type or for its DocType)."""
	doctype = case_doctype_of(submission_type)
	return categories_for(doctype) if doctype else []


def service_type_options(submission_type: str = "Service Request") -> list[str]:
	field = frappe.get_meta(case_doctype_of(submission_type) or "Service Request").get_field("service_type")
	return [option for option in (field.options or "").split("\n") if option] if field else []


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
	if not case_doctype_of(clean.submission_type):
		errors["submission_type"] = _("Choose what you are filing from the list.")

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
	if asks_service_type(clean.submission_type):
		if not clean.service_type:
			errors["service_type"] = _("Choose the service you need.")
		elif clean.service_type not in service_type_options(clean.submission_type):
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


def submit(values: dict) -> dict:
	"""File a petition, complaint or service request from the public portal (`values`: the form's
	fields, api/portal.py); returns the tracking code. Rate-limited per client address."""
	if not count_request("submit", submissions_per_hour(), SUBMISSION_WINDOW_SECONDS):
		frappe.throw(
			_("Too many submissions from your address. Please try again in an hour."),
			frappe.TooManyRequestsError,
		)
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
	"""The case the submission becomes: subject, village and category, and what the Case Type's intake
	rows take from the form (applies to Portal)."""
	doctype = case_doctype_of(clean.submission_type)
	doc = frappe.new_doc(doctype)
	doc.update(intake_values(doctype, "Portal", clean))
	doc.update({"subject": subject_of(clean), "jurisdiction": clean.jurisdiction, "category": clean.category})
	doc.flags.xq_submission_type = clean.submission_type
	return doc.insert(ignore_permissions=True)


def subject_of(clean: frappe._dict) -> str:
	"""The first line of the content, shortened; complaints marked as such in the site's language (the
	staff read it in the desk, whatever language the resident's browser asked for)."""
	first_line = clean.content.splitlines()[0].strip()
	head = first_line if len(first_line) <= SUBJECT_LENGTH else first_line[: SUBJECT_LENGTH - 1] + "…"
	if clean.submission_type == COMPLAINT:
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


def due_on(meta, case):
	"""A petition's reply (or acceptance) due, a request's due date; a type without such a field: the
	SLA's resolution due."""
	own = [field for field in ("reply_due", "acceptance_due", "due_date") if meta.has_field(field)]
	if own:
		return next((case.get(field) for field in own if case.get(field)), None)
	return case.resolution_due


def case_progress(code: str | None) -> dict | None:
	"""What the resident may see of the case behind a tracking code, or None (unknown code)."""
	code = normalize_tracking_code(code)
	if not is_tracking_code(code):
		return None
	submission = case_of_tracking_code(code)
	if not submission or not is_tracked(submission.reference_doctype):
		return None
	meta = frappe.get_meta(submission.reference_doctype)
	fields = ["workflow_state", "handling_unit", "closed_on", "resolution_due"]
	fields += [field for field in PROGRESS_FIELDS if meta.has_field(field)]
	case = frappe.db.get_value(submission.reference_doctype, submission.reference_name, fields, as_dict=True)
	if not case:
		return None
	reply = case.get("reply") or case.get("result") or ""
	return {
		"tracking_code": format_tracking_code(code),
		"case_number": submission.reference_name,
		"submission_type": submission.submission_type,
		"submission_type_label": _(submission.submission_type),
		"status": _(case.workflow_state) if case.workflow_state else _("Received"),
		"is_closed": bool(case.closed_on),
		"handling_unit": case.handling_unit,
		"submitted_on": submission.submitted_on,
		"due_on": due_on(meta, case),
		"closed_on": case.closed_on,
		"reply": reply.strip(),
		"replied_on": case.get("replied_on"),
		# what the resident may still do: rate, ask for a review (portal/resident_feedback.py)
		"feedback": feedback_options(submission.reference_doctype, case),
	}
