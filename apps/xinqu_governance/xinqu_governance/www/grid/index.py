"""/grid — the grid workers' mobile page: log in, see your grids, report events, find households."""

import frappe
from frappe import _
from frappe.utils import get_fullname

from xinqu_governance.portal.grid_app import (
	EVENT_FIELDS,
	HOUSEHOLD_FIELDS,
	event_state_labels,
	page_strings,
	select_options,
	user_nodes,
)
from xinqu_governance.portal.pages import csrf_token, html_lang, script_json

no_cache = 1
sitemap = 0


def get_context(context):
	context.no_cache = 1
	context.title = _("Grid Work")
	context.html_lang = html_lang()
	user = frappe.session.user
	context.logged_in = user != "Guest"
	context.nodes = user_nodes(user) if context.logged_in else []
	context.user_name = get_fullname(user) if context.logged_in else ""
	event_types = select_options("Grid Event", "event_type")
	context.event_types = [(value, _(value)) for value in event_types]
	context.boot_json = script_json(
		{
			"user": user if context.logged_in else None,
			"csrf_token": csrf_token(),
			"nodes": [node["name"] for node in context.nodes],
			"event_fields": EVENT_FIELDS,
			"household_fields": HOUSEHOLD_FIELDS,
			"event_types": {value: _(value) for value in event_types},
			"states": event_state_labels(),
			"strings": page_strings(),
		}
	)
	return context
