"""/petition/track — a resident enters the tracking code and sees the progress of the matter: the case
number, status, handling unit, dates and the reply. Nothing else, and nothing for a wrong code."""

import frappe
from frappe import _
from frappe.utils import format_datetime, formatdate

from xinqu_governance.portal.pages import csrf_token, html_lang
from xinqu_governance.portal.submission import TooManyLookupsError, case_progress, count_lookup

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
	progress = case_progress(context.code)
	if progress:
		context.progress = displayed(progress)
	else:
		context.not_found = True
	return context


def displayed(progress: dict) -> frappe._dict:
	"""Dates formatted for reading; empty rows left out by the template."""
	shown = frappe._dict(progress)
	for key in ("submitted_on", "closed_on", "replied_on"):
		shown[key] = format_datetime(progress[key], "yyyy-MM-dd HH:mm") if progress.get(key) else ""
	shown.due_on = formatdate(progress["due_on"], "yyyy-MM-dd") if progress.get("due_on") else ""
	return shown
