"""Routing: which unit handles a case, at intake and on escalation ("条块结合、以块为主").

A Routing Rule matches a case when it is active, its case type and category are empty or equal to
the case's, and its territory is the case's jurisdiction or an ancestor of it (nested set:
territory.lft <= node.lft and territory.rgt >= node.rgt). Among matching rules the highest
`priority` wins; among equal priorities a rule naming the category beats one that does not, then a
rule naming the case type beats one that does not, then the rule with the deepest (smallest)
territory wins; the rule name breaks a remaining tie.

A rule routes to its `handling_level`: to its lead unit, or, without one, to the *territorial unit*
of that level — the active Handling Unit of that level whose jurisdiction covers the case's node
(the rule's department preferred, then a comprehensive-governance unit, then the deepest node).
The first assisting unit becomes the case's `assisting_unit`.

- At intake (`route_case`, doc_event `validate` of a new case without a handling unit) the case
  starts at its handling level, or the level of its node (grid / village cases at Village); rules
  marked `at_intake` routing to that level or higher are considered (e.g. public-order cases go
  straight to the police), the winner sets level and units; with no rule,
  the territorial unit of the starting level handles it (or of the first level above that has one).
- On escalation (`route_to_level`) only rules routing to exactly the target level are considered,
  then the territorial unit of that level; a level without any unit covering the case is skipped.
- When a save moves a case to another level without naming a unit (e.g. the workflow state
  "Mediation at Town" sets `handling_level`), the unit of exactly that level takes it over.
"""

from dataclasses import dataclass, field

import frappe

from xinqu_governance.cases.case_types import (
	handling_level_of_node,
	is_case_doctype,
	level_rank,
	levels_from,
	node_bounds,
)

COMPREHENSIVE_GOVERNANCE = "Comprehensive Governance"


@dataclass
class Route:
	level: str
	lead_unit: str
	assisting_units: list[str] = field(default_factory=list)
	rule: str | None = None


# ------------------------------------------------------------------------------------------------
# doc_event


def route_case(doc, method=None):
	"""doc_events `validate` (each case DocType): route a new case that has no handling unit yet; when a
	save moves an existing case to another handling level (a workflow state's `update_field`, an
	officer's edit) without choosing a unit, the unit follows the level."""
	if not is_case_doctype(doc.doctype) or not doc.get("jurisdiction"):
		return
	if doc.is_new():
		route_new_case(doc)
	else:
		follow_level_change(doc)


def route_new_case(doc) -> None:
	if doc.get("handling_unit"):
		# a unit chosen at intake: the case is handled at that unit's level
		doc.handling_level = frappe.db.get_value("Handling Unit", doc.handling_unit, "level") or doc.get(
			"handling_level"
		)
		return
	if not route(doc) and not doc.get("handling_level"):
		doc.handling_level = handling_level_of_node(doc.jurisdiction)


def follow_level_change(doc) -> None:
	if not doc.get("handling_level"):
		return
	if not doc.has_value_changed("handling_level") or doc.has_value_changed("handling_unit"):
		return
	if doc.get("handling_unit") and (
		frappe.db.get_value("Handling Unit", doc.handling_unit, "level") == doc.handling_level
	):
		return
	found = route_to_level(doc, doc.handling_level)
	if found and found.level == doc.handling_level:
		apply_route(doc, found)


def route(doc, level: str | None = None) -> Route | None:
	"""Set the case's handling level, unit and assisting unit: at intake, or escalated to `level`.

	Returns the route taken (None, and nothing changed, when no unit covers the case)."""
	found = route_to_level(doc, level) if level else route_at_intake(doc)
	if found:
		apply_route(doc, found)
	return found


def apply_route(doc, found: Route) -> None:
	doc.handling_level = found.level
	doc.handling_unit = found.lead_unit
	doc.assisting_unit = found.assisting_units[0] if found.assisting_units else None
	doc.flags.route = found


# ------------------------------------------------------------------------------------------------
# Finding the route


def route_at_intake(case) -> Route | None:
	start = case.get("handling_level") or handling_level_of_node(case.jurisdiction)
	if not start:
		return None
	bounds = node_bounds(case.jurisdiction)
	if not bounds:
		return None

	for rule in matching_routing_rules(case, bounds):
		if not rule.at_intake or level_rank(rule.handling_level) < level_rank(start):
			continue
		found = _route_by_rule(rule, bounds)
		if found:
			return found
	return _territorial_route(start, bounds)


def route_to_level(case, level: str) -> Route | None:
	"""Where a case goes when it is escalated to `level` (or the first level above with a unit)."""
	bounds = node_bounds(case.jurisdiction)
	if not bounds:
		return None
	rules = matching_routing_rules(case, bounds)
	for target in levels_from(level):
		for rule in rules:
			if rule.handling_level != target:
				continue
			found = _route_by_rule(rule, bounds)
			if found:
				return found
		unit = territorial_unit(target, bounds)
		if unit:
			return Route(level=target, lead_unit=unit)
	return None


def _territorial_route(start: str, bounds: tuple[int, int]) -> Route | None:
	for target in levels_from(start):
		unit = territorial_unit(target, bounds)
		if unit:
			return Route(level=target, lead_unit=unit)
	return None


def _route_by_rule(rule, bounds: tuple[int, int]) -> Route | None:
	lead_unit = rule.lead_unit or territorial_unit(rule.handling_level, bounds, rule.department)
	if not lead_unit:
		return None
	return Route(
		level=rule.handling_level,
		lead_unit=lead_unit,
		assisting_units=assisting_units_of(rule.name),
		rule=rule.name,
	)


def matching_routing_rules(case, bounds: tuple[int, int]) -> list[frappe._dict]:
	"""Active Routing Rules matching the case, best first."""
	rule = frappe.qb.DocType("Routing Rule")
	territory = frappe.qb.DocType("Jurisdiction")
	lft, rgt = bounds

	def empty_or(column, value):
		condition = column.isnull() | (column == "")
		return condition | (column == value) if value else condition

	rules = (
		frappe.qb.from_(rule)
		.join(territory)
		.on(territory.name == rule.territory)
		.select(
			rule.name,
			rule.priority,
			rule.case_doctype,
			rule.category,
			rule.handling_level,
			rule.lead_unit,
			rule.department,
			rule.at_intake,
			territory.lft.as_("territory_lft"),
		)
		.where(
			(rule.is_active == 1)
			& empty_or(rule.case_doctype, case.doctype)
			& empty_or(rule.category, case.get("category"))
			& (territory.lft <= lft)
			& (territory.rgt >= rgt)
		)
		.run(as_dict=True)
	)
	rules.sort(key=routing_precedence)
	return rules


def routing_precedence(rule) -> tuple:
	return (
		-(rule.priority or 0),
		0 if rule.category else 1,
		0 if rule.case_doctype else 1,
		-(rule.territory_lft or 0),
		rule.name,
	)


def assisting_units_of(rule_name: str) -> list[str]:
	return frappe.get_all(
		"Routing Rule Assisting Unit",
		filters={"parent": rule_name, "parenttype": "Routing Rule", "parentfield": "assisting_units"},
		order_by="idx asc",
		pluck="handling_unit",
	)


def territorial_unit(level: str, bounds: tuple[int, int], department: str | None = None) -> str | None:
	"""The active unit of `level` whose jurisdiction covers the node with these bounds."""
	unit = frappe.qb.DocType("Handling Unit")
	node = frappe.qb.DocType("Jurisdiction")
	lft, rgt = bounds
	candidates = (
		frappe.qb.from_(unit)
		.join(node)
		.on(node.name == unit.jurisdiction)
		.select(unit.name, unit.department, node.lft)
		.where((unit.level == level) & (unit.is_active == 1) & (node.lft <= lft) & (node.rgt >= rgt))
		.run(as_dict=True)
	)
	if not candidates:
		return None

	def preference(candidate) -> tuple:
		if department and candidate.department == department:
			rank = 0
		elif not candidate.department or candidate.department == COMPREHENSIVE_GOVERNANCE:
			rank = 1
		else:
			rank = 2
		return (rank, -candidate.lft, candidate.name)

	return min(candidates, key=preference).name
