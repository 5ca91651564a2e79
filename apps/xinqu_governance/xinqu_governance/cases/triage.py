"""Triage of a grid event (网格事件) into a case of a type marked for it (Case Type
`is_triage_target`: in the app's defaults a dispute, petition, service request or emergency incident).

The new case starts in its own workflow's first state with the event's territory, subject, place,
category, and what the Case Type's intake rows take over (description, contact, resident, place, fixed
values), plus what the case DocType's controller adds (`values_from_grid_event`, e.g. a dispute's
party), and `source_event` pointing back; the event records `triaged_to_doctype` /
`triaged_to` and then takes its workflow action "Triage" (so the workflow decides who may triage,
from which state and at which level, and the event leaves the grid worker's open list).
"""

import frappe
from frappe import _
from frappe.model.base_document import get_controller
from frappe.model.workflow import apply_workflow, get_transitions, get_workflow_name
from frappe.utils import now_datetime

from xinqu_governance.cases.doctype.case_category.case_category import category_fits
from xinqu_governance.cases.doctype.case_type.case_type import intake_values
from xinqu_governance.cases.doctype.case_type.case_type import triage_targets as triage_target_doctypes
from xinqu_governance.cases.edit_rights import mark_system_write
from xinqu_governance.governance.personal_data import personal_fields

TRIAGE_ACTION = "Triage"


class TriageError(frappe.ValidationError):
	"""The grid event cannot be triaged (already triaged, wrong target, action not available)."""


def triage_grid_event(grid_event: str, target_doctype: str, values: str | dict | None = None) -> dict:
	"""Create a `target_doctype` case from the grid event and link the two both ways.

	`values` (a dict or its JSON) fills or overrides fields of the new case, e.g. the petitioner.
	Returns {"doctype": …, "name": …} of the new case. Runs with the caller's permissions.
	"""
	targets = triage_target_doctypes()
	if target_doctype not in targets:
		frappe.throw(
			_("A grid event can be triaged into: {0}.").format(", ".join(_(dt) for dt in targets)),
			TriageError,
			title=_("Invalid Triage"),
		)
	event = frappe.get_doc("Grid Event", grid_event)
	event.check_permission("write")
	frappe.has_permission(target_doctype, "create", throw=True)
	if event.triaged_to:
		frappe.throw(
			_("Grid event {0} was already triaged into {1} {2}.").format(
				event.name, _(event.triaged_to_doctype), event.triaged_to
			),
			TriageError,
			title=_("Already Triaged"),
		)
	validate_triage_action_available(event)

	case = frappe.new_doc(target_doctype)
	copied = case_values_from_event(event, target_doctype)
	typed = frappe.parse_json(values) or {}
	case.update(copied)
	case.update(typed)
	case.source_event = event.name
	# the contact's numbers copied from the event are the server's, not typed: a triaging user who may not
	# write them (permlevel 1, governance/personal_data.py) must not have them blanked
	case.flags.ignore_permlevel_for_fields = [
		fieldname for fieldname in personal_fields(target_doctype) if fieldname in copied and fieldname not in typed
	]
	case.insert()

	event.triaged_to_doctype = target_doctype
	event.triaged_to = case.name
	event.triaged_on = now_datetime()
	event.triaged_by = frappe.session.user
	mark_system_write(event)
	event.save()
	if get_workflow_name("Grid Event"):
		apply_workflow(event, TRIAGE_ACTION)

	return {"doctype": case.doctype, "name": case.name}


def triage_targets(grid_event: str) -> list[str]:
	"""The case types the current user may triage the grid event into now (none: no triage button)."""
	event = frappe.get_doc("Grid Event", grid_event)
	if event.triaged_to or not event.has_permission("write"):
		return []
	try:
		validate_triage_action_available(event)
	except TriageError:
		frappe.clear_last_message()  # a question answered "no", not an error to show the user
		return []
	return [doctype for doctype in triage_target_doctypes() if frappe.has_permission(doctype, "create")]


def validate_triage_action_available(event) -> None:
	"""The event's workflow must offer the user the action "Triage" in its current state."""
	if not get_workflow_name("Grid Event"):
		return
	# the action's condition may ask for the triage link, which is only set afterwards
	probe = frappe.get_doc(event.as_dict())
	probe.triaged_to_doctype = probe.triaged_to_doctype or "Dispute"
	probe.triaged_to = probe.triaged_to or "?"
	available = {transition.action for transition in get_transitions(probe)}
	if TRIAGE_ACTION not in available:
		frappe.throw(
			_("You cannot triage grid event {0} in the state {1}.").format(
				event.name, _(event.workflow_state or "")
			),
			TriageError,
			title=_("Not Allowed"),
		)


def case_values_from_event(event, target_doctype: str) -> dict:
	"""The fields a new case takes over from the grid event: subject, territory, reporting time and
	category (where the category is used for the type) always; then the Case Type's intake rows; then
	what the case DocType's controller adds from the event (`values_from_grid_event(event)`, a static
	method, for what rows cannot say: a dispute's party row, an incident's kind)."""
	values = {
		"subject": event.subject,
		"jurisdiction": event.jurisdiction,
		"reported_on": event.reported_on,
	}
	if event.category and category_fits(event.category, target_doctype):
		values["category"] = event.category
	# the event's account of the matter is its description, else its subject
	source = {**event.as_dict(), "description": event.description or event.subject}
	values.update(intake_values(target_doctype, "Grid Event", source))
	from_event = getattr(get_controller(target_doctype), "values_from_grid_event", None)
	if from_event:
		values.update(from_event(event))
	return {key: value for key, value in values.items() if value not in (None, "", [])}
