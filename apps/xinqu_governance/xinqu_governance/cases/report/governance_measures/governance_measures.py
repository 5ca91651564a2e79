# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""Governance Measures: 三不出、四提高、五下降 for a jurisdiction (and everything below it), this period
against the previous period of the same length just before it, with a row per node of the level just
below it (the villages of a town, the towns of a county, …) under each measure, and a chart.

Definitions (also shown above the report):
- a dispute is *concluded* in a period when its `closed_on` falls in it; withdrawn cases never count;
- a concluded dispute is *resolved* when its `outcome` is Agreement (Partial Agreement, Mediation Failed
  and Referred to Court are not); its level is `handling_level`, the level handling it when closed;
- 三不出: resolved at Village level / at Town level or below / at District level or below, each as a
  share of all disputes concluded in the period;
- 四提高, mediation success (成功率): every mediation counts by its own type and result, so a failed
  people's mediation followed by a successful administrative one counts in both rates. A mediation is
  a Mediation Session of the dispute with a result (Agreement, Partial Agreement, Mediation Failed;
  "Continued" sessions are steps of a mediation still going on), dated by `session_on`; it succeeded
  when its result is Agreement. A concluded dispute with no session that has a result counts once, by
  its own mediation type and outcome (cases recorded without sessions);
- 四提高, satisfaction: the residents' own ratings (`self_rating` of petitions and service requests,
  given on /petition/track) where they exist, else the ratings staff recorded (the parties of the
  concluded disputes, a petition's `satisfaction`); Satisfied or Basically Satisfied / answered, shown
  together and each source apart;
- 五下降: cases reported (`reported_on`) in the period: disputes (civil cases), disputes that turned
  criminal (民转刑, by `turned_criminal_on`), petitions whose Case Category is law-related, skip-level
  petitions (`is_skip_level`), Emergency Incidents of kind "Group or Mass Incident".

Rates are percentages (one decimal); change is this period minus the previous one (percentage points
for rates). Counting (cases/measure_counts.py): every period is read from the Measure Count summary
that the case lifecycle keeps per source, node and month and per source, node and day — its whole
months from the month rows, the days around them from the day rows, one covering-index query per
period over the chosen node and its children, no case table; totals are the sums. Only the ratings of
case types added as data (not in the summary) are counted from their own tables.
"""

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import add_days, date_diff, get_first_day, getdate, today

from xinqu_governance.cases.measure_counts import (
	SOURCES,
	Scope,
	count_in_scope,
	split_period,
	summary_in_scope,
	unsummarised_sources,
)
from xinqu_governance.governance.access import cases_report_node

UP = "Up"
DOWN = "Down"


class Measure(NamedTuple):
	group: str
	label: str
	short: str  # the chart's label
	direction: str
	numerator: str  # a figure key, or for a count the figure itself
	denominator: str | None = None  # None: a count of cases


# The report's rows, in order: each measure of §6 of the Guiding Opinions and the figures it is made of.
MEASURES = (
	Measure(
		"Three Nots",
		"Resolved at Village Level (Minor Matters Stay in the Village)",
		"Minor Matters Stay in the Village",
		UP,
		"village",
		"concluded",
	),
	Measure(
		"Three Nots",
		"Resolved at Town Level or Below (Major Matters Stay in the Town)",
		"Major Matters Stay in the Town",
		UP,
		"town",
		"concluded",
	),
	Measure(
		"Three Nots",
		"Resolved at District Level or Below (Hard Matters Stay in the District)",
		"Hard Matters Stay in the District",
		UP,
		"district",
		"concluded",
	),
	Measure(
		"Four Increases",
		"Success Rate of People's Mediation",
		"People's Mediation",
		UP,
		"people_agreed",
		"people_mediated",
	),
	Measure(
		"Four Increases",
		"Success Rate of Administrative Mediation",
		"Administrative Mediation",
		UP,
		"admin_agreed",
		"admin_mediated",
	),
	Measure(
		"Four Increases",
		"Success Rate of Judicial Mediation",
		"Judicial Mediation",
		UP,
		"judicial_agreed",
		"judicial_mediated",
	),
	Measure("Four Increases", "Satisfaction Rate", "Satisfaction", UP, "satisfied", "answered"),
	Measure(
		"Four Increases",
		"Satisfaction Rate (Residents' Own Ratings)",
		"Own Ratings",
		UP,
		"own_satisfied",
		"own_answered",
	),
	Measure(
		"Four Increases",
		"Satisfaction Rate (Recorded by Staff)",
		"Recorded by Staff",
		UP,
		"staff_satisfied",
		"staff_answered",
	),
	Measure("Five Decreases", "Civil Cases", "Civil Cases", DOWN, "civil"),
	Measure("Five Decreases", "Civil Cases Turned Criminal", "Turned Criminal", DOWN, "criminal"),
	Measure("Five Decreases", "Law-related Petitions", "Law-related Petitions", DOWN, "law_related"),
	Measure("Five Decreases", "Skip-level Petitions", "Skip-level Petitions", DOWN, "skip_level"),
	Measure("Five Decreases", "Mass Incidents", "Mass Incidents", DOWN, "mass"),
)
DEFINITIONS = (
	"Concluded: closed in the period, not withdrawn. Resolved: concluded with outcome Agreement, at the "
	"handling level it was closed at. Mediation success: every mediation session with a result in the "
	"period, by its own type, that ended in Agreement (a concluded dispute without such a session counts "
	"once by its mediation type and outcome). Satisfaction: Satisfied or Basically Satisfied / answered, "
	"from the residents' own ratings where given, otherwise from the ratings staff recorded. Counts: cases "
	"reported in the period, withdrawn ones excluded; turned criminal by the date it turned. The previous "
	"period is as long as this one and ends the day before it starts. Below each measure: the nodes of "
	"the next level."
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	node = cases_report_node(filters)
	this, previous = get_periods(filters)
	lft, rgt = frappe.db.get_value("Jurisdiction", node, ["lft", "rgt"])
	scope = Scope(node, lft, rgt)
	figures = gather_figures(scope, {"this": this, "prev": previous})
	rows = get_data(scope, figures)
	return get_columns(), rows, _(DEFINITIONS), get_chart(rows)


def get_columns() -> list[dict]:
	return [
		# first: the tree's toggle and indent sit in it (a measure, the nodes below it under it)
		{"fieldname": "measure", "label": _("Indicator"), "fieldtype": "Data", "width": 330},
		{"fieldname": "group", "label": _("Group"), "fieldtype": "Data", "width": 100},
		{"fieldname": "this_period", "label": _("This Period"), "fieldtype": "Float", "width": 100},
		{"fieldname": "previous_period", "label": _("Previous Period"), "fieldtype": "Float", "width": 100},
		{"fieldname": "change", "label": _("Change"), "fieldtype": "Float", "width": 90},
		{"fieldname": "unit", "label": _("Unit"), "fieldtype": "Data", "width": 60},
		{"fieldname": "direction", "label": _("Target Direction"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "jurisdiction",
			"label": _("Jurisdiction"),
			"fieldtype": "Link",
			"options": "Jurisdiction",
			"width": 140,
		},
		{"fieldname": "note", "label": _("Note"), "fieldtype": "Data", "width": 200},
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


# ---------------------------------------------------------------------------------------------
# Figures: {bucket: {"this_concluded": n, ...}}; a bucket is a child node of the chosen one, or the
# chosen node itself for cases recorded directly at it. The sources and the summary: cases/measure_counts.py.


def gather_figures(scope: Scope, periods: dict, from_summary: bool = True) -> dict[str, dict[str, int]]:
	"""Every figure per bucket: each period from the summary, its whole months from the month rows and
	the days around them from the day rows, one query (all of it from the case tables when not
	`from_summary`: the raw aggregation tests and benchmarks compare with); the sources' counts of the
	same figure added up, and the derived ones (satisfaction from both sources)."""
	figures: dict[str, dict[str, int]] = {}

	def add(key, bucket, figure, count):
		counts = figures.setdefault(bucket or scope.node, {})
		counts[f"{key}_{figure}"] = counts.get(f"{key}_{figure}", 0) + int(count or 0)

	# case types added as data that residents rate: from their tables (the summary's hooks are the
	# shipped DocTypes')
	unsummarised = unsummarised_sources()
	for key, period in periods.items():
		for source in unsummarised:
			for row in count_in_scope(source, scope, period):
				bucket = row.pop("bucket")
				for figure, count in row.items():
					add(key, bucket, figure, count)
		if from_summary:
			for row in summary_in_scope(scope, *split_period(*period)):
				add(key, row.bucket, row.figure, row.n)
			continue
		for source in SOURCES:
			for row in count_in_scope(source, scope, period):
				bucket = row.pop("bucket")
				for figure, count in row.items():
					add(key, bucket, figure, count)
	for bucket in figures.values():
		for key in periods:
			for part in ("answered", "satisfied"):
				bucket[f"{key}_{part}"] = bucket.get(f"{key}_own_{part}", 0) + bucket.get(
					f"{key}_staff_{part}", 0
				)
	return figures


# ---------------------------------------------------------------------------------------------
# Rows


def rate(part, whole):
	return round(part * 100.0 / whole, 1) if whole else None


def total_of(figures: dict) -> dict[str, int]:
	total: dict[str, int] = {}
	for bucket in figures.values():
		for key, count in bucket.items():
			total[key] = total.get(key, 0) + count
	return total


def measure_values(measure: Measure, figures: dict[str, int]) -> tuple:
	"""(this period, previous period, change, unit, note) of one measure over one bucket's figures."""

	def get(key, period):
		return figures.get(f"{period}_{key}", 0)

	if measure.denominator:
		pairs = [(get(measure.numerator, p), get(measure.denominator, p)) for p in ("this", "prev")]
		this_value, prev_value = rate(*pairs[0]), rate(*pairs[1])
		unit = "%"
		note = _("{0} of {1}; previous {2} of {3}").format(*pairs[0], *pairs[1])
	else:
		this_value, prev_value = get(measure.numerator, "this"), get(measure.numerator, "prev")
		unit, note = _("cases"), None
	change = None
	if this_value is not None and prev_value is not None:
		change = round(this_value - prev_value, 1)
	return this_value, prev_value, change, unit, note


def child_nodes(scope: Scope, figures: dict) -> list[str]:
	"""The nodes of the level below the scope in tree order, and the scope's own node (first) when
	cases are recorded directly at it."""
	children = frappe.get_all(
		"Jurisdiction", filters={"parent_jurisdiction": scope.node}, pluck="name", order_by="lft asc"
	)
	return ([scope.node] if scope.node in figures and children else []) + children


def get_data(scope: Scope, figures: dict) -> list[dict]:
	total = total_of(figures)
	below = child_nodes(scope, figures)
	rows = []
	for index, measure in enumerate(MEASURES):
		row_id = f"m{index}"
		for node, values, indent in [(scope.node, total, 0)] + [(n, figures.get(n, {}), 1) for n in below]:
			this_value, prev_value, change, unit, note = measure_values(measure, values)
			rows.append(
				{
					"row_id": row_id if indent == 0 else f"{row_id}:{node}",
					"parent_row": "" if indent == 0 else row_id,
					"indent": indent,
					"group": _(measure.group),
					"measure": _(measure.label) if indent == 0 else node,
					"jurisdiction": node,
					"this_period": this_value,
					"previous_period": prev_value,
					"change": change,
					"unit": unit,
					"direction": _(measure.direction),
					"direction_key": measure.direction,
					"note": note,
				}
			)
	return rows


def get_chart(rows: list[dict]) -> dict:
	"""The rates of 三不出 and 四提高 over the whole scope, this period against the previous one."""
	shown = [
		(m, r) for m, r in zip(MEASURES, [r for r in rows if r["indent"] == 0], strict=True) if m.denominator
	]
	return {
		"data": {
			"labels": [_(m.short) for m, _r in shown],
			"datasets": [
				{"name": _("This Period"), "values": [r["this_period"] or 0 for _m, r in shown]},
				{"name": _("Previous Period"), "values": [r["previous_period"] or 0 for _m, r in shown]},
			],
		},
		"type": "bar",
		"fieldtype": "Percent",
		"colors": ["#2490ef", "#a7b5c4"],
	}
