"""The save rules of every case DocType, shipped or made as data (doc_events on "*").

A case type may be a DocType made in the desk or shipped in a profile (`custom = 1`): it has no
controller of the app and no name in hooks.py, which Frappe reads once per process. So the rules hang
on "*", as ERPNext and Helpdesk hang their Service Level Agreement (also configured per DocType as
data) on "*" validate, and each handler returns at once unless the saved DocType is a case DocType —
a set lookup in memory (`case_types.case_doctype_set`, cached for the site), no query. For a case
they run, in this order after the controller's own `validate`:

- before_validate: the edit guard (cases/edit_rights.py), for DocTypes without the app's controller;
- validate: the link check (for DocTypes not listed in `link_access.APP_DOCTYPES`, which get it from
  their own doc_events), the workflow's level rule and contract bookkeeping (for DocTypes without the
  app's controller: `workflow_guard.validate_case_workflow`), routing, assignment, SLA deadlines;
- on_update: early warnings, the assignee's ToDo;
- after_insert: the tracking code of a portal case type.

A shipped case DocType's controller (`CaseWorkflowMixin`) runs the guard and workflow part itself.
"""

import frappe

from xinqu_governance.cases.case_types import case_doctype_set
from xinqu_governance.cases.edit_rights import guard_case_edit
from xinqu_governance.cases.workflow_guard import CaseWorkflowMixin, validate_case_workflow
from xinqu_governance.governance.link_access import APP_DOCTYPES

# The rules of each event, in order, named as hooks name their handlers (resolved on each call, so a
# test may replace one; tests/test_case_hooks.py checks the order).
CASE_RULES = {
	"validate": (
		"xinqu_governance.cases.routing.route_case",
		"xinqu_governance.cases.assignment.assign_new_case",
		"xinqu_governance.cases.sla.apply_sla",
	),
	"on_update": (
		"xinqu_governance.cases.early_warning.check_case",
		# the assignee holds the case's Frappe assignment (ToDo / `_assign`)
		"xinqu_governance.cases.assignment_todo.on_case_update",
	),
	# a case of a portal case type gets the tracking code the resident follows it with
	"after_insert": ("xinqu_governance.portal.case_tracking.give_tracking_code",),
}
LINK_CHECK = "xinqu_governance.governance.link_access.validate_link_access"


def run_rules(event: str, doc, method) -> None:
	for rule in CASE_RULES[event]:
		frappe.get_attr(rule)(doc, method)


def is_case(doc) -> bool:
	return doc.doctype in case_doctype_set()


def has_app_controller(doc) -> bool:
	return isinstance(doc, CaseWorkflowMixin)


def before_validate(doc, method=None):
	if is_case(doc) and not has_app_controller(doc):
		guard_case_edit(doc)


def validate(doc, method=None):
	if not is_case(doc):
		return
	if doc.doctype not in APP_DOCTYPES:
		frappe.get_attr(LINK_CHECK)(doc, method)
	if not has_app_controller(doc):
		validate_case_workflow(doc)
	run_rules("validate", doc, method)


def on_update(doc, method=None):
	if is_case(doc):
		run_rules("on_update", doc, method)


def after_insert(doc, method=None):
	if is_case(doc):
		run_rules("after_insert", doc, method)
