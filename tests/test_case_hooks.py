"""The case rules hang on "*" (hooks.py, cases/case_events.py), since a case type may be a DocType made
as data that no static list names; each handler returns at once for any DocType that is not a case
DocType. The link check hangs on each app DocType; nothing else of the app on the saves of other
DocTypes (ToDo, Note, ...)."""

import frappe
import pytest
from xinqu_governance.cases import case_events
from xinqu_governance.cases.case_types import case_doctypes
from xinqu_governance.cases.measure_counts import MEASURED_DOCTYPES
from xinqu_governance.governance.personal_data import PERSONAL_DOCTYPES
from xinqu_governance.governance.link_access import APP_DOCTYPES, app_modules
from xinqu_governance.governance.tree_scope import TREE_SCOPED

SHIPPED_CASE_DOCTYPES = [
	"Dispute",
	"Emergency Incident",
	"Grid Event",
	"Petition",
	"Service Request",
	"Stability Risk Assessment",
]
CASE_RULES = {
	"validate": [
		"xinqu_governance.cases.routing.route_case",
		"xinqu_governance.cases.assignment.assign_new_case",
		"xinqu_governance.cases.sla.apply_sla",
	],
	"on_update": [
		"xinqu_governance.cases.early_warning.check_case",
		"xinqu_governance.cases.assignment_todo.on_case_update",
	],
	# a case of a portal case type also gets its tracking code when inserted (portal/case_tracking.py)
	"after_insert": ["xinqu_governance.portal.case_tracking.give_tracking_code"],
}
CASE_EVENTS = {
	event: [f"xinqu_governance.cases.case_events.{event}"]
	for event in ("before_validate", "validate", "on_update", "after_insert")
}
LINK_CHECK = {"validate": ["xinqu_governance.governance.link_access.validate_link_access"]}
# a ToDo made in the desk for a case moves the case's assignee; nothing else of the app on it
TODO_HANDLERS = {"on_update": ["xinqu_governance.cases.assignment_todo.on_todo_update"]}


def app_handlers(events: dict) -> dict:
	handlers_of = {
		event: [h for h in handlers if h.startswith("xinqu_governance.")] for event, handlers in events.items()
	}
	return {event: handlers for event, handlers in handlers_of.items() if handlers}


def test_the_shipped_case_doctypes_are_read_from_the_contract():
	frappe.local.flags.pop("xinqu_case_doctypes", None)
	frappe.cache.delete_value("xinqu_case_doctypes")
	assert case_doctypes() == SHIPPED_CASE_DOCTYPES


def test_the_listed_app_doctypes_are_the_apps_forms():
	doctypes = frappe.get_all(
		"DocType", filters={"module": ("in", list(app_modules())), "istable": 0, "custom": 0}, pluck="name"
	)
	assert sorted(APP_DOCTYPES) == sorted(doctypes)


# Governance Measures' summary hangs on the DocTypes it counts (cases/measure_counts.py), and follows a
# category turning law-related and a node moving
MEASURE_COUNTS = {
	"validate": LINK_CHECK["validate"],
	"before_save": ["xinqu_governance.cases.measure_counts.before_case_change"],
	"on_update": ["xinqu_governance.cases.measure_counts.on_case_change"],
	"on_trash": ["xinqu_governance.cases.measure_counts.before_case_change"],
}
SUMMARY_FOLLOWS = {"Case Category": "on_category_change", "Jurisdiction": "on_tree_change"}
# a DocType holding ID or phone numbers keeps their masked copies and answers a save with only what
# the user may read (governance/personal_data.py)
PERSONAL_DATA = {
	"validate": ["xinqu_governance.governance.personal_data.set_masked_numbers"],
	"before_insert": ["xinqu_governance.governance.personal_data.keep_fetched_numbers"],
	"on_change": ["xinqu_governance.governance.personal_data.hide_unreadable_numbers"],
}
# a new resident, household or case without a node gets the user's default one (governance/tree_scope.py)
TREE_SCOPE_DEFAULT = "xinqu_governance.governance.tree_scope.set_default_node"


def test_the_case_events_hang_on_every_doctype_and_the_link_check_on_the_apps():
	doc_events = frappe.get_hooks("doc_events")
	assert app_handlers(doc_events["*"]) == CASE_EVENTS
	assert {event: list(rules) for event, rules in case_events.CASE_RULES.items()} == CASE_RULES
	for doctype in APP_DOCTYPES:
		if doctype in MEASURED_DOCTYPES:
			expected = MEASURE_COUNTS
		elif doctype in SUMMARY_FOLLOWS:
			expected = {**LINK_CHECK, "on_update": [f"xinqu_governance.cases.measure_counts.{SUMMARY_FOLLOWS[doctype]}"]}
		else:
			expected = LINK_CHECK
		if doctype in PERSONAL_DOCTYPES:
			expected = {
				**expected,
				**PERSONAL_DATA,
				"validate": [*expected.get("validate", []), *PERSONAL_DATA["validate"]],
			}
		if doctype in TREE_SCOPED:
			expected = {**expected, "before_insert": [*expected.get("before_insert", []), TREE_SCOPE_DEFAULT]}
		assert app_handlers(doc_events[doctype]) == expected, doctype
	for doctype in ("Note", "User"):
		assert not app_handlers(doc_events.get(doctype, {})), doctype
	assert app_handlers(doc_events.get("ToDo", {})) == TODO_HANDLERS


@pytest.fixture
def recorded_rules(monkeypatch):
	"""Every case rule replaced by a recorder of (rule, doctype), in call order."""
	calls = []
	for rules in CASE_RULES.values():
		for path in rules:
			module, name = path.rsplit(".", 1)
			monkeypatch.setattr(
				frappe.get_module(module), name, lambda doc, method=None, rule=name: calls.append((rule, doc.doctype))
			)
	return calls


def test_every_case_doctype_gets_the_case_rules_in_order(recorded_rules):
	for doctype in SHIPPED_CASE_DOCTYPES:
		doc = frappe.new_doc(doctype)
		for event in CASE_RULES:
			getattr(case_events, event)(doc, event)
		names = [path.rsplit(".", 1)[1] for rules in CASE_RULES.values() for path in rules]
		assert recorded_rules == [(name, doctype) for name in names], doctype
		recorded_rules.clear()


def test_other_doctypes_get_none_of_the_case_rules(recorded_rules):
	for doctype in ("ToDo", "Note", "User", "Case Category", "Handling Unit"):
		doc = frappe.new_doc(doctype)
		for event in ("before_validate", *CASE_RULES):
			getattr(case_events, event)(doc, event)
	assert recorded_rules == []


def test_a_todo_is_saved_without_the_case_rules(recorded_rules):
	todo = frappe.get_doc({"doctype": "ToDo", "description": "not a case"}).insert()
	try:
		assert recorded_rules == []
	finally:
		todo.delete()
