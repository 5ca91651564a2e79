"""/petition/track — a resident enters the tracking code and sees the progress of the matter: the case
number, status, handling unit, dates and the reply. Nothing else, and nothing for a wrong code.
Once answered, the same page takes the resident's own rating and, for a petition, a request for review
(a POST with `action` = rate / review and the code; portal/resident_feedback.py)."""

import frappe
from frappe import _
from frappe.utils import format_datetime, formatdate

from xinqu_governance.portal.case_tracking import case_of_tracking_code
from xinqu_governance.portal.pages import csrf_token, html_lang
from xinqu_governance.portal.resident_feedback import rate, request_review
from xinqu_governance.portal.submission import TooManyLookupsError, case_progress, count_lookup
from xinqu_governance.portal.tracking import normalize_tracking_code

no_cache = 1
sitemap = 0


def get_context(context):
	context.no_cache = 1
	context.title = _("Track Progress")
	context.html_lang = html_lang()
	context.csrf_token = csrf_token()
	context.code = (frappe.form_dict.get("code") or "").strip()[:32]
	context.progress = None
	context.not_found = False
	context.lookup_error = None
	if not context.code:
		return context
	try:
		count_lookup()
	except TooManyLookupsError as error:
		context.lookup_error = str(error)
		return context
	context.feedback_error = None
	context.feedback_done = None
	if frappe.request and frappe.request.method == "POST" and frappe.form_dict.get("action"):
		act_on_feedback(context)
	progress = case_progress(context.code)
	if progress:
		context.progress = displayed(progress)
	else:
		context.not_found = True
	return context


def act_on_feedback(context) -> None:
	"""The resident's rating or request for review, for the case behind the code; a refusal is shown on
	the page and changes nothing."""
	submission = case_of_tracking_code(normalize_tracking_code(context.code))
	if not submission:
		return
	action = frappe.form_dict.get("action")
	try:
		if action == "rate":
			rate(submission.reference_doctype, submission.reference_name, frappe.form_dict.get("rating"))
			context.feedback_done = _("Thank you. Your rating has been recorded.")
		elif action == "review" and submission.reference_doctype == "Petition":
			code = request_review(submission.reference_name, frappe.form_dict.get("reason"))
			context.feedback_done = _(
				"Your request for review has been filed. Follow it with the tracking code {0}."
			).format(code)
			context.review_code = code
		else:
			return
		frappe.db.commit()
	except frappe.ValidationError as error:  # ResidentFeedbackError, or a rule of the case refusing
		frappe.db.rollback()
		frappe.clear_last_message()
		context.feedback_error = str(error)


def displayed(progress: dict) -> frappe._dict:
	"""Dates formatted for reading; empty rows left out by the template."""
	shown = frappe._dict(progress)
	for key in ("submitted_on", "closed_on", "replied_on"):
		shown[key] = format_datetime(progress[key], "yyyy-MM-dd HH:mm") if progress.get(key) else ""
	shown.due_on = formatdate(progress["due_on"], "yyyy-MM-dd") if progress.get("due_on") else ""
	deadline = progress["feedback"]["review_deadline"]
	shown.review_deadline = formatdate(deadline, "yyyy-MM-dd") if deadline else ""
	return shown
