"""The save rules hang on the DocTypes they act on (hooks.py `doc_events`), not on "*": routing,
assignment, SLA and early warning on each case DocType of the contract, the link check on each app
DocType, and nothing of the app's on the saves of other DocTypes (ToDo, Note, ...)."""

import frappe
from xinqu_governance.portal.case_tracking import TRACKED_DOCTYPES
from xinqu_governance.cases.case_types import CASE_DOCTYPES, case_doctypes
from xinqu_governance.cases.measure_counts import MEASURED_DOCTYPES
from xinqu_governance.governance.link_access import APP_DOCTYPES, app_modules

CASE_RULES = {
	"validate": [
		"xinqu_governance.governance.link_access.validate_link_access",
		"xinqu_governance.cases.routing.route_case",
		"xinqu_governance.cases.assignment.assign_new_case",
		"xinqu_governance.cases.sla.apply_sla",
	],
	"on_update": [
		"xinqu_governance.cases.early_warning.check_case",
		"xinqu_governance.cases.assignment_todo.on_case_update",
	],
}
# a ToDo made in the desk for a case moves the case's assignee; nothing else of the app on it
TODO_HANDLERS = {"on_update": ["xinqu_governance.cases.assignment_todo.on_todo_update"]}


def app_handlers(events: dict) -> dict:
	return {
		event: [h for h in handlers if h.startswith("xinqu_governance.")] for event, handlers in events.items()
	}


def test_the_listed_case_doctypes_are_the_contracts():
	frappe.local.flags.pop("xinqu_case_doctypes", None)
	assert sorted(CASE_DOCTYPES) == case_doctypes()


def test_the_listed_app_doctypes_are_the_apps_forms():
	doctypes = frappe.get_all(
		"DocType", filters={"module": ("in", list(app_modules())), "istable": 0, "custom": 0}, pluck="name"
	)
	assert sorted(APP_DOCTYPES) == sorted(doctypes)


# a petition or service request also gets its tracking code when inserted (portal/case_tracking.py)
TRACKING_CODE = {"after_insert": ["xinqu_governance.portal.case_tracking.give_tracking_code"]}
# the cases Governance Measures counts keep its summary, after the case rules (cases/measure_counts.py)
MEASURE_COUNTS = "xinqu_governance.cases.measure_counts.on_case_change"
MEASURE_COUNTS_BEFORE = "xinqu_governance.cases.measure_counts.before_case_change"


def test_every_case_doctype_has_the_case_rules_in_order():
	doc_events = frappe.get_hooks("doc_events")
	for doctype in CASE_DOCTYPES:
		expected = {**CASE_RULES, **(TRACKING_CODE if doctype in TRACKED_DOCTYPES else {})}
		if doctype in MEASURED_DOCTYPES:
			expected["on_update"] = [*CASE_RULES["on_update"], MEASURE_COUNTS]
			expected["before_save"] = [MEASURE_COUNTS_BEFORE]
			expected["on_trash"] = [MEASURE_COUNTS_BEFORE]
		assert app_handlers(doc_events[doctype]) == expected, doctype


def test_other_doctypes_get_only_the_link_check_or_nothing():
	doc_events = frappe.get_hooks("doc_events")
	assert not app_handlers(doc_events.get("*", {})).get("validate")
	assert not app_handlers(doc_events.get("*", {})).get("on_update")
	for doctype in ("Note", "User"):
		assert not app_handlers(doc_events.get(doctype, {})), doctype
	assert app_handlers(doc_events.get("ToDo", {})) == TODO_HANDLERS
	link_check = {"validate": ["xinqu_governance.governance.link_access.validate_link_access"]}
	for doctype in set(APP_DOCTYPES) - set(CASE_DOCTYPES) - {"Case Category", "Jurisdiction"}:
		assert app_handlers(doc_events[doctype]) == link_check, doctype
	# Governance Measures' summary follows a category turning law-related and a node moving
	for doctype, handler in (("Case Category", "on_category_change"), ("Jurisdiction", "on_tree_change")):
		assert app_handlers(doc_events[doctype]) == {
			**link_check,
			"on_update": [f"xinqu_governance.cases.measure_counts.{handler}"],
		}, doctype


def test_a_note_is_saved_without_the_case_rules(monkeypatch):
	from xinqu_governance.cases import sla

	called = []
	monkeypatch.setattr(sla, "apply_sla", lambda doc, method=None: called.append(doc.doctype))
	frappe.clear_cache()  # the doc hooks are resolved afresh, to the patched function
	note = frappe.get_doc({"doctype": "ToDo", "description": "not a case"}).insert()
	try:
		assert called == []
	finally:
		note.delete()
		frappe.clear_cache()
