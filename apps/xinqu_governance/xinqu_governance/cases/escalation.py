"""The SLA job (`run_sla_job`, scheduler cron */5): mark what is due soon and overdue, and act on
each breach exactly once.

1. Set-based marking, per case DocType, without touching `modified` (a SELECT of the names, then
   UPDATEs by name):
   - `On Track` / `Due Soon` cases past `resolution_due` become `Overdue`;
   - `On Track` cases within their rule's `warn_before_hours` become `Due Soon` (per SLA rule: the
     rule's conditions and none of the better rules' conditions, so each case gets exactly the
     window of the rule that governs it);
   - the cases marked in this run get the Notifications "due soon" / "overdue" of their DocType
     (cases/notifications.py), once: a case is marked once per deadline.
2. Breaches: per SLA rule, the overdue cases it governs that are past `resolution_due` +
   `escalate_after_hours` and have no breach warning for that deadline (one SELECT per rule,
   anti-joined with Early Warning). Each is loaded with a row lock and checked again (still open,
   still overdue, same deadline), then:
   - `Escalate automatically`: handling level up to `escalate_to_level` (or the next level up when
     that is empty or not above the current level), handling and assisting unit by routing at that
     level, a new assignee by the unit's method, `escalation_count` + 1; when the case's workflow has
     a transition from the current state into the state of that level (a state whose `update_field`
     sets `handling_level`, e.g. "Mediation at Village" → "Mediation at Town"), the case takes it,
     so the new level can work it with its own transitions; saving re-reads the SLA
     rules, so the new level gets its own deadline — the breach key (case, breached deadline) is
     gone, and a second run finds nothing. A timeline entry on the case and a notification to the
     new assignee (or the unit's members when nobody is assigned), the unit's supervisors and the
     case owner (包案领导).
   - `Raise warning for a human`, or nowhere to escalate to (top level / no unit above): an Early
     Warning keyed by (case, breached deadline) for the level above, once.
3. Overdue Case early-warning rules (see `early_warning.raise_overdue_warnings`).

Time comes from `sla.now()` (or `now=`), never from sleeping.
"""

import frappe
from frappe import _
from frappe.model.workflow import get_workflow, get_workflow_name, is_transition_condition_satisfied
from frappe.query_builder.functions import Coalesce
from frappe.utils import get_datetime
from pypika.terms import Criterion

from xinqu_governance.cases import assignment, routing, sla, sla_schedule
from xinqu_governance.cases.case_types import case_doctypes, level_rank, next_level
from xinqu_governance.cases.early_warning import (
	OVERDUE_CASE,
	make_trigger_key,
	overdue_without_warning,
	raise_overdue_warnings,
	raise_warning,
)
from xinqu_governance.cases.edit_rights import mark_system_write
from xinqu_governance.cases.notifications import SLA_DUE_SOON, SLA_OVERDUE, run_marked_case_events
from xinqu_governance.cases.timeline import add_case_entry
from xinqu_governance.governance.site_language import human_datetime, in_site_language

ESCALATION_BATCH = 500  # breaches acted on per rule in one run at most; the rest wait 5 minutes
DUE_CHUNK = 5000  # due cases handled per round of the job's steps (names in one IN list)


@in_site_language()
def run_sla_job(now=None) -> dict:
	"""Scheduled every 5 minutes. Returns what it did (counts and the cases escalated / warned).
	What it writes on the cases' timelines and in notifications is in the site's language."""
	moment = get_datetime(now) if now else sla.now()
	summary = frappe._dict(overdue=0, due_soon=0, escalated=[], warnings=[])
	for doctype in case_doctypes():
		due = sla_schedule.due_cases(doctype, moment)  # only what is due (cases/sla_schedule.py)
		if not due:
			continue
		rules = sla.active_sla_rules(doctype)
		for start in range(0, len(due), DUE_CHUNK):
			run_on_due_cases(doctype, rules, due[start : start + DUE_CHUNK], moment, summary)
		sla_schedule.reschedule(doctype, due)
	return summary


def run_on_due_cases(doctype: str, rules: list, names: list[str], moment, summary) -> None:
	"""The job's steps for the due cases `names` of one DocType: marking, breaches, Overdue Case
	warnings; each step's own conditions decide what happens to each."""
	due = frappe.qb.DocType(doctype).name.isin(names)
	overdue = mark_overdue(doctype, moment, due)
	due_soon = mark_due_soon(doctype, rules, moment, due)
	summary.overdue += len(overdue)
	summary.due_soon += len(due_soon)
	# the Notifications "due soon" / "overdue" (Method events) for the cases marked just now
	run_marked_case_events(doctype, due_soon, SLA_DUE_SOON)
	run_marked_case_events(doctype, overdue, SLA_OVERDUE)
	for rule, cases in breaches(doctype, rules, moment, due):
		for row in cases:
			outcome = act_on_breach_safely(doctype, row.name, row.resolution_due, rule, moment)
			if outcome and outcome[0] == "escalated":
				summary.escalated.append([doctype, row.name])
			elif outcome:
				summary.warnings.append(outcome[1])
	summary.warnings.extend(raise_overdue_warnings(moment, doctype=doctype, extra=due))


# ------------------------------------------------------------------------------------------------
# 1. Marking


def open_cases(case):
	return case.closed_on.isnull() & (case.is_withdrawn == 0)


def mark_overdue(doctype: str, moment, due) -> list[str]:
	case = frappe.qb.DocType(doctype)
	condition = (
		case.sla_status.isin([sla.ON_TRACK, sla.DUE_SOON])
		& (case.resolution_due <= moment)
		& open_cases(case)
		& due
	)
	return set_status(doctype, condition, sla.OVERDUE)


def mark_due_soon(doctype: str, rules: list, moment, due) -> list[str]:
	case = frappe.qb.DocType(doctype)
	marked = []
	for index, rule in enumerate(rules):
		governed = governed_by(case, rules, index)
		if governed is None:
			break  # a better rule matches every case: no case reaches this one or any after it
		if not rule.warn_before_hours:
			continue
		condition = (
			(case.sla_status == sla.ON_TRACK)
			& (case.resolution_due > moment)
			& (case.resolution_due <= sla.hours_after(moment, rule.warn_before_hours))
			& open_cases(case)
			& governed
			& due
		)
		marked.extend(set_status(doctype, condition, sla.DUE_SOON))
	return marked


def set_status(doctype: str, condition, status: str, chunk: int = 5000) -> list[str]:
	"""Set `sla_status` of the cases matching `condition` (one scan to find them, then updates by
	name in chunks, the condition checked again); `modified` is left alone: the marking is
	bookkeeping, not an edit. Returns the names found."""
	case = frappe.qb.DocType(doctype)
	names = frappe.qb.from_(case).select(case.name).where(condition).run(pluck=True)
	for start in range(0, len(names), chunk):
		frappe.qb.update(case).set(case.sla_status, status).where(
			case.name.isin(names[start : start + chunk]) & condition
		).run()
	return names


def rule_condition(case, rule):
	"""SQL for "the case matches this rule" (None: the rule matches every case of its type)."""
	parts = [
		Coalesce(case[field], "") == rule.get(field) for field in sla.SPECIFICITY_FIELDS if rule.get(field)
	]
	return Criterion.all(parts) if parts else None


def governed_by(case, rules: list, index: int):
	"""SQL for "the case is governed by rules[index]": it matches that rule and no better one.

	Returns None when a better rule matches every case (so this rule governs none)."""
	conditions = []
	for better in rules[:index]:
		condition = rule_condition(case, better)
		if condition is None:
			return None
		conditions.append(condition.negate())
	own = rule_condition(case, rules[index])
	if own is not None:
		conditions.append(own)
	return Criterion.all(conditions) if conditions else (case.name.isnotnull())


# ------------------------------------------------------------------------------------------------
# 2. Breaches


def breaches(doctype: str, rules: list, moment, due):
	"""(rule, [cases]) for each rule: its due overdue cases past the grace period, not yet acted on."""
	case = frappe.qb.DocType(doctype)
	for index, rule in enumerate(rules):
		governed = governed_by(case, rules, index)
		if governed is None:
			return
		cutoff = sla.hours_after(moment, -float(rule.escalate_after_hours or 0))
		rows = overdue_without_warning(
			doctype,
			cutoff,
			rule_column="sla_rule",
			rule_name=rule.name,
			extra=governed & due,
			limit=ESCALATION_BATCH,
		)
		if rows:
			yield rule, rows


def act_on_breach_safely(doctype: str, name: str, breached_due, rule, moment) -> tuple[str, str] | None:
	"""`act_on_breach` for one case; a case that cannot be saved (its own validation refuses) is logged
	to the Error Log and left for the next run, without undoing what the run did to the others."""
	frappe.db.savepoint("sla_breach")
	try:
		return act_on_breach(doctype, name, breached_due, rule, moment)
	except Exception:
		frappe.db.rollback(save_point="sla_breach")
		frappe.log_error(
			title=_("SLA escalation of {0} {1} failed").format(_(doctype), name),
			reference_doctype=doctype,
			reference_name=name,
		)
		return None


def act_on_breach(doctype: str, name: str, breached_due, rule, moment) -> tuple[str, str] | None:
	"""Escalate the case or raise a warning for a human; None when it was already dealt with."""
	doc = frappe.get_doc(doctype, name, for_update=True)
	if (
		doc.get("closed_on")
		or doc.get("is_withdrawn")
		or doc.sla_status != sla.OVERDUE
		or not doc.resolution_due
		or get_datetime(doc.resolution_due) != get_datetime(breached_due)
	):
		return None

	reason = None
	if rule.on_breach == sla.ESCALATE_AUTOMATICALLY:
		target = escalation_target(doc.get("handling_level"), rule.escalate_to_level)
		found = routing.route_to_level(doc, target) if target else None
		if found:
			escalate(doc, found, rule, moment)
			return "escalated", doc.name
		reason = (
			_("there is no level above {0}").format(_(doc.handling_level))
			if not target
			else _("no handling unit at level {0} or above covers {1}").format(_(target), doc.jurisdiction)
		)

	message = _("Overdue since {0} (SLA rule {1})").format(human_datetime(doc.resolution_due), rule.name)
	if reason:
		message = _("{0}; not escalated: {1}").format(message, reason)
	warning = raise_warning(
		doc,
		rule_type=OVERDUE_CASE,
		level="Orange",
		sla_rule=rule.name,
		breach_due=doc.resolution_due,
		trigger_key=make_trigger_key("SLA", rule.name, doctype, name, doc.resolution_due),
		message=message,
	)
	return ("warning", warning) if warning else None


def escalation_target(current: str | None, configured: str | None) -> str | None:
	if configured and level_rank(configured) > level_rank(current):
		return configured
	return next_level(current)


def workflow_step_to_level(doc, level: str):
	"""The transition of the case's workflow from its current state into the state that puts the case
	at `level` (a state whose `update_field` sets `handling_level` to it), or None."""
	if not get_workflow_name(doc.doctype):
		return None
	workflow = get_workflow(doc.doctype)
	current = doc.get(workflow.workflow_state_field) or (
		workflow.states[0].state if workflow.states else None
	)
	states_at_level = {
		row.state
		for row in workflow.states
		if row.update_field == "handling_level" and row.update_value == level
	}
	for transition in workflow.transitions:
		if (
			transition.state == current
			and transition.next_state in states_at_level
			and is_transition_condition_satisfied(transition, doc)
		):
			return transition
	return None


def escalate(doc, found: routing.Route, rule, moment) -> None:
	before = frappe._dict(level=doc.handling_level, unit=doc.handling_unit, due=doc.resolution_due)
	step = workflow_step_to_level(doc, found.level)
	if step:
		# the system takes the workflow's own escalation step, so the case stays workable at its new level
		doc.set(get_workflow(doc.doctype).workflow_state_field, step.next_state)
	routing.apply_route(doc, found)
	assignment.assign(doc)
	doc.escalation_count = (doc.escalation_count or 0) + 1
	doc.flags.escalated_by_sla = True
	mark_system_write(doc)
	doc.flags.sla_now = moment
	doc.save(ignore_permissions=True)

	text = _("Escalated from {0} ({1}) to {2} ({3}): the deadline {4} passed (SLA rule {5}).").format(
		_(before.level or ""),
		before.unit or "-",
		_(doc.handling_level),
		doc.handling_unit,
		human_datetime(before.due),
		rule.name,
	)
	if step:
		text += " " + _("Workflow: {0} → {1}.").format(_(step.action), _(step.next_state))
	add_case_entry(doc.doctype, doc.name, text)
