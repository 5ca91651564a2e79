"""Early warning (预警走在排查前、排查走在调解前、调解走在激化前, §4).

The thresholds are data: `Early Warning Rule` records (shipped in the profile's
fixtures/early_warning_rule.json). Three kinds of rule:
- Repeated Subject: at least `min_count` cases of the rule's case type (this one included) share
  the value of `subject_field` within `window_days` before this case's `reported_on`. The subject
  is a field of the case (the place, the petitioner's ID number) or `table.field` of one of its
  tables (the parties' ID numbers); with `match_all_values` another case counts only when it has
  all of this case's values (the same parties). Checked whenever a case is saved.
- People Involved: the case's `people_field` is at least `people_threshold`; of several such rules
  (e.g. 50 / 100 / 500 bands) only the highest band reached raises. Checked whenever a case is saved.
- Overdue Case: a case is overdue by at least `overdue_hours`; checked by the SLA job, set-based.
The SLA job also raises a warning for a human when an SLA rule says so, or when an overdue case
cannot be escalated (no level or unit above). And a case that cannot be assigned (its handling
unit has no active member, `cases.assignment`) raises an Unassigned Case warning when it is saved,
once per case and unit (`warn_unassigned`).

Each warning is raised once per trigger: `trigger_key` (unique) is rule + case for the first two
kinds and rule + case + the breached deadline for overdue cases, so re-running or re-saving never
duplicates it, and a new breach after a new deadline is a new warning.

Who sees it: a warning's `jurisdiction` is the node one level above the level that handles a case
at the case's node (grid and village cases → their town; town cases → the county; county → city).
Scoping is the ordinary User Permission on Jurisdiction, so the town's officers, the county and the
city see it and the village does not. The officers holding a role at exactly that node and the
supervisors of the case's unit are notified by the Notification "early warning" on Early Warning
(event New, cases/notifications.py).
"""

import hashlib

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_days, cint, get_datetime

from xinqu_governance.cases import sla
from xinqu_governance.cases.case_types import case_doctypes, is_case_doctype, supervising_node
from xinqu_governance.cases.timeline import add_case_entry
from xinqu_governance.governance.site_language import human_datetime, in_site_language

REPEATED_SUBJECT = "Repeated Subject"
PEOPLE_INVOLVED = "People Involved"
OVERDUE_CASE = "Overdue Case"
UNASSIGNED_CASE = "Unassigned Case"
UNASSIGNED_LEVEL = "Orange"  # a case nobody can work is a matter for the supervising node now

OVERDUE_BATCH = 1000  # warnings raised per rule and case type in one run of the job at most


# ------------------------------------------------------------------------------------------------
# Raising


def raise_warning(
	case,
	*,
	rule_type: str,
	level: str,
	message: str,
	trigger_key: str,
	rule: str | None = None,
	sla_rule: str | None = None,
	breach_due=None,
) -> str | None:
	"""Raise one Early Warning for `case` (a Document or a dict with doctype, name, jurisdiction,
	handling_unit) unless one with `trigger_key` exists. Returns the new warning's name or None."""
	if frappe.db.exists("Early Warning", {"trigger_key": trigger_key}):
		return None

	node = supervising_node(case.get("jurisdiction"))
	warning = frappe.get_doc(
		{
			"doctype": "Early Warning",
			"rule_type": rule_type,
			"level": level,
			"status": "Open",
			"jurisdiction": node,
			"rule": rule,
			"sla_rule": sla_rule,
			"case_doctype": case.get("doctype"),
			"case_name": case.get("name"),
			"case_jurisdiction": case.get("jurisdiction"),
			"breach_due": breach_due,
			"message": message,
			"trigger_key": trigger_key,
		}
	)
	messages = len(frappe.local.message_log)
	frappe.db.savepoint("early_warning")
	try:
		warning.insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		# raised in between by a concurrent save or job: `trigger_key` is unique (Frappe reports a
		# unique index as UniqueValidationError, with a "must be unique" message we drop)
		frappe.db.rollback(save_point="early_warning")
		del frappe.local.message_log[messages:]
		return None

	add_case_entry(
		warning.case_doctype,
		warning.case_name,
		_("Early warning {0} ({1}): {2}").format(warning.name, _(level), message),
	)
	return warning.name


def make_trigger_key(*parts) -> str:
	"""The unique key of a trigger; long keys are hashed to fit the column (140 characters)."""
	key = ":".join(str(part) for part in parts)
	return key if len(key) <= 140 else f"sha1:{hashlib.sha1(key.encode()).hexdigest()}"


def officers_at(jurisdiction: str) -> list[str]:
	"""Users holding an active assignment at exactly this node."""
	return frappe.get_all(
		"Jurisdiction Assignment",
		filters={"jurisdiction": jurisdiction, "is_active": 1},
		pluck="user",
		distinct=True,
	)


# ------------------------------------------------------------------------------------------------
# Rules checked when a case is saved


def check_case(doc, method=None):
	"""doc_events `on_update` (each case DocType): raise the warnings the saved case triggers."""
	if not is_case_doctype(doc.doctype) or doc.get("is_withdrawn"):
		return
	if doc.flags.get("unassignable_in"):
		with in_site_language():
			warn_unassigned(doc, doc.flags.unassignable_in)
	rules = active_rules(doc.doctype)
	if not rules:
		return
	# the warnings' messages are read later by others: in the site's language, not the saver's
	with in_site_language():
		for rule in rules:
			if rule.rule_type == REPEATED_SUBJECT:
				check_repeated_subject(doc, rule)
		check_people_involved(doc, [rule for rule in rules if rule.rule_type == PEOPLE_INVOLVED])


def active_rules(case_doctype: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Early Warning Rule",
		filters={"is_active": 1, "case_doctype": case_doctype},
		fields=[
			"name",
			"rule_type",
			"level",
			"subject_field",
			"match_all_values",
			"window_days",
			"min_count",
			"people_field",
			"people_threshold",
		],
		order_by="name asc",
	)


def warn_unassigned(doc, unit: str) -> str | None:
	"""The case's unit has no active member: warn the supervising node and the unit's supervisors."""
	holder = doc.get("assigned_to")
	if holder:
		message = _(
			"No active member of {0} can take the case; it waits with the unit's supervisor {1}."
		).format(unit, frappe.db.get_value("User", holder, "full_name") or holder)
	else:
		message = _(
			"No active member of {0} can take the case, and the unit has no supervisor: nobody holds it."
		).format(unit)
	return raise_warning(
		doc,
		rule_type=UNASSIGNED_CASE,
		level=UNASSIGNED_LEVEL,
		trigger_key=make_trigger_key("Unassigned", doc.doctype, doc.name, unit),
		message=message,
	)


def check_repeated_subject(doc, rule) -> str | None:
	values, label = subject_values(doc, rule.subject_field)
	if not values:
		return None
	count = count_repeated_cases(doc, rule, values)
	if count < max(cint(rule.min_count), 2):
		return None
	return raise_warning(
		doc,
		rule_type=REPEATED_SUBJECT,
		level=rule.level,
		rule=rule.name,
		trigger_key=make_trigger_key(rule.name, doc.doctype, doc.name),
		message=_("{0} cases with the same {1} ({2}) within {3} days").format(
			count, label, ", ".join(mask(value) for value in values), cint(rule.window_days)
		),
	)


def subject_values(doc, subject_field: str | None) -> tuple[list[str], str]:
	"""The values of a rule's subject on the case, and the subject's label."""
	if not subject_field:
		return [], ""
	table_field, _dot, child_field = subject_field.partition(".")
	df = doc.meta.get_field(table_field)
	if not df:
		return [], ""
	if child_field:
		child_meta = frappe.get_meta(df.options)
		label = _(child_meta.get_label(child_field))
		values = sorted(
			{str(row.get(child_field)).strip() for row in doc.get(table_field) if row.get(child_field)}
		)
		return [value for value in values if value], label
	value = doc.get(table_field)
	return ([str(value).strip()] if value not in (None, "") else []), _(df.label)


def count_repeated_cases(doc, rule, values: list[str]) -> int:
	"""Cases (this one included) sharing the subject within the rule's window, not withdrawn."""
	case = frappe.qb.DocType(doc.doctype)
	reported_on = get_datetime(doc.reported_on or sla.now())
	in_window = (
		(case.reported_on >= add_days(reported_on, -cint(rule.window_days)))
		& (case.reported_on <= reported_on)
		& (case.is_withdrawn == 0)
	)
	table_field, _dot, child_field = rule.subject_field.partition(".")

	if not child_field:
		return (
			frappe.qb.from_(case)
			.select(Count("*"))
			.where(in_window & (case[table_field] == values[0]))
			.run()[0][0]
		)

	child = frappe.qb.DocType(doc.meta.get_field(table_field).options)
	shared = Count(child[child_field]).distinct()
	query = (
		frappe.qb.from_(child)
		.join(case)
		.on(case.name == child.parent)
		.select(child.parent)
		.where(
			(child.parenttype == doc.doctype)
			& (child.parentfield == table_field)
			& child[child_field].isin(values)
			& in_window
		)
		.groupby(child.parent)
	)
	if rule.match_all_values:
		query = query.having(shared >= len(values))
	return len(query.run())


def check_people_involved(doc, rules: list) -> str | None:
	reached = [
		rule
		for rule in rules
		if rule.people_field
		and doc.meta.get_field(rule.people_field)
		and cint(doc.get(rule.people_field)) >= cint(rule.people_threshold)
	]
	if not reached:
		return None
	band = max(reached, key=lambda rule: cint(rule.people_threshold))
	return raise_warning(
		doc,
		rule_type=PEOPLE_INVOLVED,
		level=band.level,
		rule=band.name,
		trigger_key=make_trigger_key(band.name, doc.doctype, doc.name),
		message=_("{0} people involved (at least {1})").format(
			cint(doc.get(band.people_field)), cint(band.people_threshold)
		),
	)


def mask(value: str) -> str:
	"""Keep an ID number readable enough to recognise but not whole (first 4, last 4)."""
	return value if len(value) <= 10 else f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


# ------------------------------------------------------------------------------------------------
# Overdue cases (run by the SLA job)


def raise_overdue_warnings(moment=None, *, doctype: str | None = None, extra=None) -> list[str]:
	"""For each active Overdue Case rule: a warning for every case overdue by the rule's hours that
	has none for its current deadline. Set-based selection (one query per rule and case type); the SLA
	job asks for one DocType at a time and only its due cases (`extra`, cases/sla_schedule.py)."""
	moment = moment or sla.now()
	raised = []
	rules = frappe.get_all(
		"Early Warning Rule",
		filters={"is_active": 1, "rule_type": OVERDUE_CASE},
		fields=["name", "case_doctype", "level", "overdue_hours"],
		order_by="name asc",
	)
	for rule in rules:
		cutoff = sla.hours_after(moment, -float(rule.overdue_hours or 0))
		doctypes = [rule.case_doctype] if rule.case_doctype else case_doctypes()
		for case_doctype in [doctype] if doctype else doctypes:
			if case_doctype not in doctypes:
				continue
			rows = overdue_without_warning(
				case_doctype, cutoff, rule_column="rule", rule_name=rule.name, extra=extra
			)
			for row in rows:
				name = raise_warning(
					row,
					rule_type=OVERDUE_CASE,
					level=rule.level,
					rule=rule.name,
					breach_due=row.resolution_due,
					trigger_key=make_trigger_key(rule.name, case_doctype, row.name, row.resolution_due),
					message=_("Overdue since {0}").format(human_datetime(row.resolution_due)),
				)
				if name:
					raised.append(name)
	return raised


def overdue_without_warning(
	doctype: str, cutoff, *, rule_column: str, rule_name: str, extra=None, limit: int = OVERDUE_BATCH
) -> list[frappe._dict]:
	"""Open cases overdue since `cutoff` or earlier that have no warning of this rule for their
	current deadline (anti-join on Early Warning by case and breached deadline)."""
	case = frappe.qb.DocType(doctype)
	warning = frappe.qb.DocType("Early Warning")
	condition = (
		(case.sla_status == sla.OVERDUE)
		& (case.resolution_due <= cutoff)
		& case.closed_on.isnull()
		& (case.is_withdrawn == 0)
		& warning.name.isnull()
	)
	if extra is not None:
		condition &= extra
	rows = (
		frappe.qb.from_(case)
		.left_join(warning)
		.on(
			(warning.case_doctype == doctype)
			& (warning.case_name == case.name)
			& (warning.breach_due == case.resolution_due)
			& (warning[rule_column] == rule_name)
		)
		.select(case.name, case.jurisdiction, case.handling_unit, case.handling_level, case.resolution_due)
		.where(condition)
		.orderby(case.resolution_due)
		.limit(limit)
		.run(as_dict=True)
	)
	for row in rows:
		row.doctype = doctype
	return rows
