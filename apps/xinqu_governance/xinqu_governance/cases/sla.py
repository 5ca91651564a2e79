"""SLA rules: which rule governs a case, and the deadlines it sets.

Matching (`match_sla_rule`): among the active SLA Rules of the case's DocType whose category,
workflow state and handling level are empty or equal to the case's, the rule with the highest
`priority` wins; among equal priorities the most specific rule wins, compared field by field in
this order: a rule naming the category beats one that does not, then one naming the workflow state,
then one naming the handling level; the rule name breaks a remaining tie.

Deadlines (`apply_sla`, doc_event `validate` of every case DocType):
- `state_entered_on` is the time the case entered its current workflow state (set at insert and
  whenever `workflow_state` changes);
- the resolution clock of a stage starts when the case is inserted (at `reported_on`), enters a new
  workflow state or a new handling level (now); a change of category alone re-reads the rules with
  the clock started at `state_entered_on` (correcting the category does not buy time);
  `resolution_due` = start + `resolution_hours`;
- `response_due` = `reported_on` + `response_hours`, set once at intake (informational: the job acts
  on `resolution_due`);
- no matching rule: no deadline (`resolution_due` empty, `sla_status` empty), so nothing escalates;
- a closed case is `Met` when it closed by its deadline (it keeps `Overdue` otherwise), a
  withdrawn case drops out of SLA tracking.

All time is read through `now()`, which tests patch to control the clock (a caller holding another
moment, like the SLA job run with `now=`, passes it in `doc.flags.sla_now`).
"""

from datetime import datetime

import frappe
from frappe.model.workflow import get_workflow, get_workflow_name
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime

from xinqu_governance.cases.case_types import is_case_doctype

ON_TRACK = "On Track"
DUE_SOON = "Due Soon"
OVERDUE = "Overdue"
MET = "Met"
OPEN_STATUSES = ("", ON_TRACK, DUE_SOON)

ESCALATE_AUTOMATICALLY = "Escalate automatically"
RAISE_WARNING = "Raise warning for a human"

# Compared in this order after `priority` (see the module docstring).
SPECIFICITY_FIELDS = ("category", "workflow_state", "handling_level")
# what the SLA job's next moment for a case depends on (cases/sla_schedule.py)
SCHEDULE_FIELDS = ("sla_status", "resolution_due", "closed_on", "is_withdrawn", *SPECIFICITY_FIELDS)


def now() -> datetime:
	"""The one clock of the case rules (tests patch this)."""
	return now_datetime()


def hours_after(start, hours) -> datetime:
	return add_to_date(get_datetime(start), hours=float(hours))


# ------------------------------------------------------------------------------------------------
# Rule matching


def active_sla_rules(case_doctype: str) -> list[frappe._dict]:
	"""The active SLA Rules of a case DocType, best first (priority, then specificity)."""
	rules = frappe.get_all(
		"SLA Rule",
		filters={"case_doctype": case_doctype, "is_active": 1},
		fields=[
			"name",
			"priority",
			"category",
			"workflow_state",
			"handling_level",
			"response_hours",
			"resolution_hours",
			"warn_before_hours",
			"on_breach",
			"escalate_after_hours",
			"escalate_to_level",
		],
	)
	rules.sort(key=rule_precedence)
	return rules


def rule_precedence(rule) -> tuple:
	"""Sort key: the winning rule sorts first."""
	return (-(rule.priority or 0), *(0 if rule.get(field) else 1 for field in SPECIFICITY_FIELDS), rule.name)


def rule_matches(rule, case) -> bool:
	return all(not rule.get(field) or rule.get(field) == case.get(field) for field in SPECIFICITY_FIELDS)


def match_sla_rule(case, rules: list | None = None):
	"""The SLA Rule (as a dict) that governs `case`, or None."""
	for rule in rules if rules is not None else active_sla_rules(case.doctype):
		if rule_matches(rule, case):
			return rule
	return None


def set_initial_workflow_state(doc) -> None:
	"""A new case without a state gets its workflow's first state now (Frappe's workflow check would
	set the same after `validate`), so that the rule of that state governs it from intake."""
	if doc.get("workflow_state") or not get_workflow_name(doc.doctype):
		return
	workflow = get_workflow(doc.doctype)
	if workflow.states and workflow.workflow_state_field == "workflow_state":
		doc.workflow_state = workflow.states[0].state


def status_at(moment: datetime, resolution_due, warn_before_hours) -> str:
	if not resolution_due:
		return ""
	due = get_datetime(resolution_due)
	if moment >= due:
		return OVERDUE
	if warn_before_hours and moment >= hours_after(due, -float(warn_before_hours)):
		return DUE_SOON
	return ON_TRACK


# ------------------------------------------------------------------------------------------------
# doc_event


def apply_sla(doc, method=None):
	"""doc_events `validate` (each case DocType): keep a case's SLA deadlines and status."""
	if not is_case_doctype(doc.doctype):
		return
	set_sla_deadlines(doc, doc.flags.sla_now or now())
	if doc.is_new() or any(doc.has_value_changed(field) for field in SCHEDULE_FIELDS):
		from xinqu_governance.cases import sla_schedule

		sla_schedule.schedule(doc)


def sla_due_date(doc):
	"""The date of the case's SLA resolution deadline as `apply_sla` set it in this save (None without
	a matching rule). The deadlines a case shows in fields of its own (a petition's acceptance and reply
	deadlines, a service request's due date) are read here, from the controller's `before_save`: Frappe
	runs it after the `validate` doc events, so the SLA Rules are their only source."""
	return getdate(doc.resolution_due) if doc.get("resolution_due") else None


def set_sla_deadlines(doc, moment: datetime) -> None:
	is_new = doc.is_new()
	if is_new:
		if not doc.get("reported_on"):
			doc.reported_on = moment
		set_initial_workflow_state(doc)

	if doc.get("is_withdrawn"):
		doc.sla_status = ""
		return
	if doc.get("closed_on"):
		closed_in_time = not doc.resolution_due or get_datetime(doc.closed_on) <= get_datetime(
			doc.resolution_due
		)
		doc.sla_status = MET if closed_in_time else OVERDUE
		return

	state_changed = is_new or doc.has_value_changed("workflow_state")
	level_changed = is_new or doc.has_value_changed("handling_level")
	category_changed = not is_new and doc.has_value_changed("category")
	if state_changed:
		doc.state_entered_on = moment
	if not (state_changed or level_changed or category_changed or doc.flags.recompute_sla):
		return

	if is_new:
		start = get_datetime(doc.reported_on)
	elif state_changed or level_changed:
		start = moment
	else:
		start = get_datetime(doc.state_entered_on or moment)

	rule = match_sla_rule(doc)
	if not rule:
		doc.resolution_due = None
		doc.sla_status = ""
		return

	if is_new:
		doc.response_due = hours_after(doc.reported_on, rule.response_hours) if rule.response_hours else None
	doc.resolution_due = hours_after(start, rule.resolution_hours)
	doc.sla_status = status_at(moment, doc.resolution_due, rule.warn_before_hours)
