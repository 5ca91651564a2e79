"""/petition — residents file a petition, a complaint or a service request (guests welcome)."""

import frappe
from frappe import _

from xinqu_governance.portal.pages import csrf_token, html_lang, script_json
from xinqu_governance.portal.submission import (
	CASE_DOCTYPE_OF,
	MAX_CONTENT_LENGTH,
	category_options,
	service_type_options,
	village_options,
)

no_cache = 1


def get_context(context):
	context.no_cache = 1
	context.title = _("Residents' Petitions and Requests")
	context.html_lang = html_lang()
	context.csrf_token = csrf_token()
	context.submission_types = submission_type_choices()
	context.villages = village_options()
	context.service_types = [(value, _(value)) for value in service_type_options()]
	context.categories = categories_by_kind()
	context.max_content_length = MAX_CONTENT_LENGTH
	context.strings_json = script_json(
		{
			"submitting": _("Submitting…"),
			"submit": _("Submit"),
			"network_error": _("The network is not available. Please try again."),
			"rate_limited": _("Too many submissions from your address. Please try again in an hour."),
			"server_error": _("The submission could not be saved. Please try again later."),
			"check_form": _("Please check the form"),
		}
	)
	return context


def submission_type_choices() -> list[tuple[str, str]]:
	labels = {
		"Petition": _("A petition"),
		"Complaint": _("A complaint"),
		"Service Request": _("A service request"),
	}
	return [(kind, labels.get(kind, _(kind))) for kind in CASE_DOCTYPE_OF]


def categories_by_kind() -> list[dict]:
	"""Each category with the kinds of submission it fits (the page shows only the fitting ones)."""
	kinds_of: dict[str, list[str]] = {}
	for kind in CASE_DOCTYPE_OF:
		for category in category_options(kind):
			kinds_of.setdefault(category, []).append(kind)
	return [{"name": name, "label": _(name), "kinds": "|".join(kinds)} for name, kinds in kinds_of.items()]
