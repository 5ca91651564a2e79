# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""Governance Measures: 三不出、四提高、五下降 for a jurisdiction (and everything below it), this period
against the previous period of the same length just before it.

Definitions (also shown above the report):
- a dispute is *concluded* in a period when its `closed_on` falls in it; withdrawn cases never count;
- a concluded dispute is *resolved* when its `outcome` is Agreement (Partial Agreement, Mediation Failed
  and Referred to Court are not); its level is `handling_level`, the level handling it when closed;
- 三不出: resolved at Village level / at Town level or below / at District level or below, each as a
  share of all disputes concluded in the period;
- 四提高: per `mediation_type`, concluded with outcome Agreement / concluded of that type; satisfaction:
  parties (Dispute Party) of the concluded disputes who are Satisfied or Basically Satisfied / parties
  with an answer;
- 五下降: cases reported (`reported_on`) in the period: disputes (civil cases), petitions whose Case
  Category is law-related, skip-level petitions (`is_skip_level`), Emergency Incidents of kind
  "Group or Mass Incident". Civil-to-criminal cases are not recorded: Dispute has no such field or
  outcome, so that row stays empty.

Rates are percentages (one decimal); change is this period minus the previous one (percentage points
for rates). All counting is one aggregate query per case type over the jurisdiction's lft/rgt range.
"""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, date_diff, get_first_day, getdate, today

from xinqu_governance.governance.access import cases_report_node

UP = "Up"
DOWN = "Down"
RESOLVED = "Agreement"
SATISFIED = ("Satisfied", "Basically Satisfied")
MASS_INCIDENT = "Group or Mass Incident"
MEDIATION_TYPES = (
	("people", "People's Mediation", "Success Rate of People's Mediation"),
	("admin", "Administrative Mediation", "Success Rate of Administrative Mediation"),
	("judicial", "Judicial Mediation", "Success Rate of Judicial Mediation"),
)
LEVELS = (
	("village", ("Village",), "Resolved at Village Level (Minor Matters Stay in the Village)"),
	("town", ("Village", "Town"), "Resolved at Town Level or Below (Major Matters Stay in the Town)"),
	(
		"district",
		("Village", "Town", "District"),
		"Resolved at District Level or Below (Hard Matters Stay in the District)",
	),
)
DEFINITIONS = (
	"Concluded: closed in the period, not withdrawn. Resolved: concluded with outcome Agreement, at the "
	"handling level it was closed at. Mediation success: concluded with outcome Agreement / concluded of "
	"that mediation type. Satisfaction: parties Satisfied or Basically Satisfied / parties who answered. "
	"Counts: cases reported in the period, withdrawn ones excluded. The previous period is as long as "
	"this one and ends the day before it starts."
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	node = cases_report_node(filters)
	this, previous = get_periods(filters)
	bounds = frappe.db.get_value("Jurisdiction", node, ["lft", "rgt"])
	return get_columns(), get_data(bounds, this, previous), _(DEFINITIONS)


def get_columns() -> list[dict]:
	return [
		{"fieldname": "group", "label": _("Group"), "fieldtype": "Data", "width": 110},
		{"fieldname": "measure", "label": _("Indicator"), "fieldtype": "Data", "width": 360},
		{"fieldname": "this_period", "label": _("This Period"), "fieldtype": "Float", "width": 110},
		{"fieldname": "previous_period", "label": _("Previous Period"), "fieldtype": "Float", "width": 110},
		{"fieldname": "change", "label": _("Change"), "fieldtype": "Float", "width": 90},
		{"fieldname": "unit", "label": _("Unit"), "fieldtype": "Data", "width": 70},
		{"fieldname": "direction", "label": _("Target Direction"), "fieldtype": "Data", "width": 100},
		{"fieldname": "note", "label": _("Note"), "fieldtype": "Data", "width": 220},
	]


def get_periods(filters) -> tuple[tuple, tuple]:
	"""(from, to) of this period and of the previous one (same number of days, just before)."""
	to_date = getdate(filters.get("to_date") or today())
	from_date = getdate(filters.get("from_date") or get_first_day(to_date))
	if from_date > to_date:
		frappe.throw(_("From Date must not be after To Date."), title=_("Invalid Period"))
	days = date_diff(to_date, from_date) + 1
	previous_to = add_days(from_date, -1)
	return (from_date, to_date), (getdate(add_days(previous_to, 1 - days)), getdate(previous_to))


def in_period(field, period):
	"""`field` (a Datetime) on one of the period's days."""
	return (field >= f"{period[0]} 00:00:00") & (field < f"{add_days(period[1], 1)} 00:00:00")


def count_if(condition, alias: str):
	return Sum(Case().when(condition, 1).else_(0)).as_(alias)


def in_subtree(table, bounds):
	J = frappe.qb.DocType("Jurisdiction")
	return table.jurisdiction.isin(
		frappe.qb.from_(J).select(J.name).where((J.lft >= bounds[0]) & (J.rgt <= bounds[1]))
	)


def dispute_figures(bounds, periods: dict) -> dict:
	D = frappe.qb.DocType("Dispute")
	columns = []
	for key, period in periods.items():
		concluded = in_period(D.closed_on, period)
		resolved = concluded & (D.outcome == RESOLVED)
		columns.append(count_if(concluded, f"{key}_concluded"))
		for level, levels, _label in LEVELS:
			columns.append(count_if(resolved & D.handling_level.isin(levels), f"{key}_{level}"))
		for mtype, value, _label in MEDIATION_TYPES:
			columns.append(count_if(concluded & (D.mediation_type == value), f"{key}_{mtype}_concluded"))
			columns.append(count_if(resolved & (D.mediation_type == value), f"{key}_{mtype}_agreed"))
		columns.append(count_if(in_period(D.reported_on, period), f"{key}_civil"))
	row = (
		frappe.qb.from_(D)
		.select(*columns)
		.where((D.is_withdrawn == 0) & in_subtree(D, bounds))
		.run(as_dict=True)[0]
	)

	P = frappe.qb.DocType("Dispute Party")
	columns = []
	for key, period in periods.items():
		concluded = in_period(D.closed_on, period)
		answered = concluded & P.satisfaction.isnotnull() & (P.satisfaction != "")
		columns.append(count_if(answered, f"{key}_answered"))
		columns.append(count_if(concluded & P.satisfaction.isin(SATISFIED), f"{key}_satisfied"))
	row.update(
		frappe.qb.from_(P)
		.join(D)
		.on((P.parent == D.name) & (P.parenttype == "Dispute") & (P.parentfield == "parties"))
		.select(*columns)
		.where((D.is_withdrawn == 0) & in_subtree(D, bounds))
		.run(as_dict=True)[0]
	)
	return row


def petition_figures(bounds, periods: dict) -> dict:
	P = frappe.qb.DocType("Petition")
	C = frappe.qb.DocType("Case Category")
	columns = []
	for key, period in periods.items():
		reported = in_period(P.reported_on, period)
		columns.append(count_if(reported & (C.is_law_related == 1), f"{key}_law_related"))
		columns.append(count_if(reported & (P.is_skip_level == 1), f"{key}_skip_level"))
	return (
		frappe.qb.from_(P)
		.left_join(C)
		.on(P.category == C.name)
		.select(*columns)
		.where((P.is_withdrawn == 0) & in_subtree(P, bounds))
		.run(as_dict=True)[0]
	)


def incident_figures(bounds, periods: dict) -> dict:
	E = frappe.qb.DocType("Emergency Incident")
	columns = [
		count_if(in_period(E.reported_on, period) & (E.kind == MASS_INCIDENT), f"{key}_mass")
		for key, period in periods.items()
	]
	return (
		frappe.qb.from_(E)
		.select(*columns)
		.where((E.is_withdrawn == 0) & in_subtree(E, bounds))
		.run(as_dict=True)[0]
	)


def rate(part, whole):
	return round(part * 100.0 / whole, 1) if whole else None


def get_data(bounds, this: tuple, previous: tuple) -> list[dict]:
	periods = {"this": this, "prev": previous}
	figures = {}
	for part in (dispute_figures, petition_figures, incident_figures):
		figures.update({k: int(v or 0) for k, v in part(bounds, periods).items()})

	def value(key: str, period: str):
		return figures[f"{period}_{key}"]

	rows = []

	def add(group, label, direction, this_value, prev_value, unit, note=None):
		change = None
		if this_value is not None and prev_value is not None:
			change = round(this_value - prev_value, 1)
		rows.append(
			{
				"group": _(group),
				"measure": _(label),
				"this_period": this_value,
				"previous_period": prev_value,
				"change": change,
				"unit": unit,
				"direction": _(direction),
				"direction_key": direction,
				"note": note,
			}
		)

	def share(numerator: str, denominator: str):
		pairs = {p: (value(numerator, p), value(denominator, p)) for p in periods}
		note = _("{0} of {1}; previous {2} of {3}").format(*pairs["this"], *pairs["prev"])
		return rate(*pairs["this"]), rate(*pairs["prev"]), "%", note

	for level, _levels, label in LEVELS:
		add("Three Nots", label, UP, *share(level, "concluded"))
	for mtype, _value, label in MEDIATION_TYPES:
		add("Four Increases", label, UP, *share(f"{mtype}_agreed", f"{mtype}_concluded"))
	add("Four Increases", "Satisfaction Rate", UP, *share("satisfied", "answered"))

	def counted(label, key):
		add("Five Decreases", label, DOWN, value(key, "this"), value(key, "prev"), _("cases"))

	counted("Civil Cases", "civil")
	add("Five Decreases", "Civil Cases Turned Criminal", DOWN, None, None, _("cases"), _("Not recorded"))
	counted("Law-related Petitions", "law_related")
	counted("Skip-level Petitions", "skip_level")
	counted("Mass Incidents", "mass")
	return rows
