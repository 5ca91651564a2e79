"""/petition — residents file a matter of a portal case type (by default a petition, a complaint or a
service request; guests welcome)."""

import frappe
from frappe import _

from xinqu_governance.portal.pages import csrf_token, html_lang, script_json
from xinqu_governance.portal.submission import (
	MAX_CONTENT_LENGTH,
	asks_service_type,
	category_options,
	service_type_options,
	submission_types,
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
			# the kinds of submission that ask which service is needed
			"service_kinds": [kind for kind in submission_types() if asks_service_type(kind)],
		}
	)
	return context


def submission_type_choices() -> list[tuple[str, str]]:
	"""(submission type, its translated label) of each kind the portal offers (portal Case Types)."""
	return [(kind, _(label)) for kind, label in submission_types().items()]


def categories_by_kind() -> list[dict]:
	"""Each category with the kinds of submission it fits (the page shows only the fitting ones)."""
	kinds_of: dict[str, list[str]] = {}
	for kind in submission_types():
		for category in category_options(kind):
			kinds_of.setdefault(category, []).append(kind)
	return [{"name": name, "label": _(name), "kinds": "|".join(kinds)} for name, kinds in kinds_of.items()]
