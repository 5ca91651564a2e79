"""The grid workers' mobile page (/grid): what the server renders into it. Everything the page then
reads or writes goes through Frappe's REST API with the user's own permissions (a grid worker sees
and reports only in the nodes of their Jurisdiction Assignments)."""

import frappe
from frappe import _
from frappe.model.workflow import get_workflow_name
from frappe.utils import getdate

from xinqu_governance.governance.access import is_active_on

# What the page lists of an event and of a household (REST `fields`).
EVENT_FIELDS = ["name", "subject", "event_type", "workflow_state", "jurisdiction", "location", "reported_on"]
HOUSEHOLD_FIELDS = ["name", "household_code", "head_name", "member_count", "jurisdiction"]


def user_nodes(user: str) -> list[dict]:
	"""The nodes the user holds an active assignment at (their grids), in tree order, with the role."""
	today = getdate()
	assignments = frappe.get_all(
		"Jurisdiction Assignment",
		filters={"user": user},
		fields=["jurisdiction", "role", "valid_from", "valid_to"],
	)
	roles_at: dict[str, list[str]] = {}
	for row in assignments:
		if is_active_on(row.valid_from, row.valid_to, today):
			roles_at.setdefault(row.jurisdiction, []).append(row.role)
	if not roles_at:
		return []
	nodes = frappe.get_all(
		"Jurisdiction",
		filters={"name": ("in", list(roles_at))},
		fields=["name", "level", "parent_jurisdiction"],
		order_by="lft asc",
	)
	return [
		{
			"name": node.name,
			"level": node.level,
			"level_label": _(node.level),
			"parent": node.parent_jurisdiction,
			"roles": ", ".join(_(role) for role in sorted(set(roles_at[node.name]))),
		}
		for node in nodes
	]


def select_options(doctype: str, fieldname: str) -> list[str]:
	field = frappe.get_meta(doctype).get_field(fieldname)
	return [option for option in (field.options or "").split("\n") if option] if field else []


def event_state_labels() -> dict[str, str]:
	"""Workflow states of Grid Event → translated label (the page shows them in the list)."""
	workflow = get_workflow_name("Grid Event")
	states = (
		frappe.get_all("Workflow Document State", filters={"parent": workflow}, pluck="state", order_by="idx")
		if workflow
		else []
	)
	return {state: _(state) for state in states}


def page_strings() -> dict[str, str]:
	"""The page's translated strings for its JavaScript (the desk's __() needs bundles we do not serve)."""
	return {
		"login_failed": _("Wrong user name or password."),
		"logging_in": _("Logging in…"),
		"log_in": _("Log In"),
		"network_error": _("The network is not available. Please try again."),
		"saving": _("Saving…"),
		"report": _("Report Event"),
		"reported": _("Event {0} reported."),
		"not_permitted": _("You may report events only in your own grid."),
		"error": _("The server refused the request."),
		"no_events": _("You have not reported any events yet."),
		"no_households": _("No households found."),
		"members": _("{0} members"),
		"no_head": _("(no head of household)"),
		"loading": _("Loading…"),
		"describe": _("Describe the event."),
		"choose_grid": _("Choose the grid."),
		"choose_type": _("Choose the event type."),
		"photo_failed": _("The photo could not be uploaded."),
		"event_subject": _("{0}: {1}"),
		"session_expired": _("Your session has ended. Please log in again."),
	}
