"""When the SLA job next has something to do for a case: `sla_check_at` (indexed, on every case
DocType), so that the job (every 5 minutes) reads only the cases that are due for it — what costs is
what is due, not how many cases exist (issue 12).

A case is due for the job at the earliest of the moments still ahead of it, given its governing SLA
rule (`sla.match_sla_rule`) and the active Overdue Case early-warning rules:
- On Track with a warning window: the start of the window (it becomes Due Soon);
- On Track or Due Soon: its deadline (it becomes Overdue);
- the deadline + the rule's `escalate_after_hours`, until the breach was acted on (escalated: the case
  has a new deadline; or warned: an Early Warning of that SLA rule for that deadline);
- the deadline + each Overdue Case rule's `overdue_hours`, until that rule's warning for the deadline
  exists.
A moment already passed that is still pending (a breach the job could not act on, a batch left for the
next run) keeps the case due. Closed, withdrawn and cases without a deadline are never due (NULL).

Kept by one function, `next_check`: `apply_sla` sets it on every save that touches the SLA, the job
sets it again for the cases it handled (`reschedule`), and a change to an SLA Rule or an Overdue Case
rule makes every open case of its DocType due once (`recheck_open_cases`), so the next run reads them
against the new rules.
"""

from datetime import datetime

import frappe
from frappe.utils import get_datetime

from xinqu_governance.cases import sla

OVERDUE_CASE = "Overdue Case"
RESCHEDULE_CHUNK = 1000


def overdue_case_rules(doctype: str) -> list[frappe._dict]:
	"""The active Overdue Case early-warning rules that apply to `doctype` (cached for the request)."""
	cache = frappe.local.flags.setdefault("xinqu_overdue_case_rules", {})
	if doctype not in cache:
		rules = frappe.get_all(
			"Early Warning Rule",
			filters={"is_active": 1, "rule_type": OVERDUE_CASE},
			fields=["name", "case_doctype", "overdue_hours"],
		)
		cache[doctype] = [rule for rule in rules if not rule.case_doctype or rule.case_doctype == doctype]
	return cache[doctype]


def next_check(case, rule, overdue_rules: list, acted: set) -> datetime | None:
	"""The earliest pending moment of `case` (a doc or a row with sla_status, resolution_due, closed_on,
	is_withdrawn); `rule` is its governing SLA rule; `acted` holds (kind, rule name) of the warnings
	already raised for its current deadline ("sla" / "rule")."""
	if case.get("closed_on") or case.get("is_withdrawn") or not case.get("resolution_due"):
		return None
	due = get_datetime(case.resolution_due)
	pending = []
	status = case.get("sla_status")
	if rule and rule.warn_before_hours and status == sla.ON_TRACK:
		pending.append(sla.hours_after(due, -float(rule.warn_before_hours)))
	if status in (sla.ON_TRACK, sla.DUE_SOON):
		pending.append(due)
	if rule and ("sla", rule.name) not in acted:
		pending.append(sla.hours_after(due, float(rule.escalate_after_hours or 0)))
	for overdue_rule in overdue_rules:
		if ("rule", overdue_rule.name) not in acted:
			pending.append(sla.hours_after(due, float(overdue_rule.overdue_hours or 0)))
	return min(pending) if pending else None


def schedule(doc, rules: list | None = None) -> None:
	"""`apply_sla`: the case's `sla_check_at` from its state after this save (a case whose deadline is
	new has no warnings for it yet)."""
	rule = sla.match_sla_rule(doc, rules) if doc.get("resolution_due") else None
	acted = set() if doc.is_new() else warnings_for(doc.doctype, [doc.name]).get(doc.name, set())
	doc.sla_check_at = next_check(doc, rule, overdue_case_rules(doc.doctype), acted)


def warnings_for(doctype: str, names: list[str]) -> dict[str, set]:
	"""{case name: {(kind, rule name)}}: the SLA and Overdue Case warnings raised for each case's
	current deadline."""
	if not names:
		return {}
	case = frappe.qb.DocType(doctype)
	warning = frappe.qb.DocType("Early Warning")
	rows = (
		frappe.qb.from_(warning)
		.join(case)
		.on((case.name == warning.case_name) & (case.resolution_due == warning.breach_due))
		.select(warning.case_name, warning.sla_rule, warning.rule)
		.where((warning.case_doctype == doctype) & warning.case_name.isin(names))
		.run(as_dict=True)
	)
	acted: dict[str, set] = {}
	for row in rows:
		if row.sla_rule:
			acted.setdefault(row.case_name, set()).add(("sla", row.sla_rule))
		if row.rule:
			acted.setdefault(row.case_name, set()).add(("rule", row.rule))
	return acted


def due_cases(doctype: str, moment) -> list[str]:
	"""The cases the job has something to do for at `moment` (an index range on `sla_check_at`)."""
	case = frappe.qb.DocType(doctype)
	return frappe.qb.from_(case).select(case.name).where(case.sla_check_at <= moment).run(pluck=True)


def reschedule(doctype: str, names: list[str]) -> None:
	"""After the job handled `names`: each case's next moment, from what it is now."""
	rules = sla.active_sla_rules(doctype)
	overdue_rules = overdue_case_rules(doctype)
	fields = ["name", "sla_status", "resolution_due", "closed_on", "is_withdrawn", *sla.SPECIFICITY_FIELDS]
	case = frappe.qb.DocType(doctype)
	for start in range(0, len(names), RESCHEDULE_CHUNK):
		chunk = names[start : start + RESCHEDULE_CHUNK]
		rows = frappe.qb.from_(case).select(*fields).where(case.name.isin(chunk)).run(as_dict=True)
		acted = warnings_for(doctype, chunk)
		by_moment: dict = {}
		for row in rows:
			rule = sla.match_sla_rule(row, rules) if row.resolution_due else None
			moment = next_check(row, rule, overdue_rules, acted.get(row.name, set()))
			by_moment.setdefault(moment, []).append(row.name)
		for moment, same in by_moment.items():
			frappe.qb.update(case).set(case.sla_check_at, moment).where(case.name.isin(same)).run()


def recheck_open_cases(rule=None) -> None:
	"""An SLA Rule or an Overdue Case rule was saved or deleted (their controllers' on_update /
	on_trash), or a data load moved cases in time: every open case of the DocType(s) concerned (all
	case DocTypes when the rule names none) is due at once (`sla_check_at` = its intake time); the next run reschedules it by the rules as
	they are then. A rule of another early-warning type changes nothing here."""
	from xinqu_governance.cases.case_types import case_doctypes

	before = rule.get_doc_before_save() if rule else None
	if rule and rule.doctype == "Early Warning Rule":
		if OVERDUE_CASE not in (rule.get("rule_type"), before and before.get("rule_type")):
			return
	frappe.local.flags.pop("xinqu_overdue_case_rules", None)
	named = (
		{rule.get("case_doctype")} | ({before.get("case_doctype")} if before else set()) if rule else {None}
	)
	doctypes = case_doctypes() if not all(named) else [d for d in case_doctypes() if d in named]
	for doctype in doctypes:
		case = frappe.qb.DocType(doctype)
		# due at once: a moment already passed for any run of the job (the case's own intake time)
		frappe.qb.update(case).set(case.sla_check_at, case.reported_on).where(
			case.closed_on.isnull() & (case.is_withdrawn == 0) & case.resolution_due.isnotnull()
		).run()
