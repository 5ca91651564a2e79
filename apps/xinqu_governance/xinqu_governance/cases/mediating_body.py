"""Who concluded the mediation of a dispute: the one place the 人民调解协议书 reads its committee, seal
and signatories from.

The mediation is concluded by the last session with an agreement (result Agreement or Partial
Agreement, latest `session_on`). Each Mediation Session records the handling level and unit the
dispute was at when the session was recorded (`Dispute.stamp_session_level`), so a dispute mediated at
the town after the village failed is signed by the town: its people's mediation committee (the nearest
Organisation of type Mediation Committee at or above the town's node, else "<镇>人民调解委员会"), the
session's mediator and recorder, the session's date. A session recorded before the level was kept
(no `handling_level`) falls back to the dispute's own handling level and unit.
"""

import datetime

import frappe
from frappe.utils import get_datetime

AGREEMENT_RESULTS = ("Agreement", "Partial Agreement")
MEDIATION_COMMITTEE = "Mediation Committee"
# the Jurisdiction level whose node stands for each handling level ("District" has no node of its
# own: its units sit at the node covering the district, read from the unit)
NODE_LEVEL_OF_HANDLING_LEVEL = {"Village": "Village", "Town": "Town", "County": "County", "City": "City"}


def concluding_session(dispute):
	"""The dispute's last session with an agreement (by time, then row order), else None."""
	agreed = [row for row in dispute.get("mediation_sessions") or [] if row.result in AGREEMENT_RESULTS]
	if not agreed:
		return None
	return max(
		agreed,
		key=lambda row: (
			get_datetime(row.session_on) if row.session_on else datetime.datetime.min,
			row.idx or 0,
		),
	)


def mediating_body(dispute) -> frappe._dict:
	"""level, unit, node, committee (name printed with the seal), mediator, recorder (users), signed_on
	(the agreement session's time) and the session itself; empty strings where nothing is known."""
	session = concluding_session(dispute)
	if session and session.handling_level:
		level, unit = session.handling_level, session.handling_unit or ""
	else:
		level, unit = dispute.get("handling_level") or "", dispute.get("handling_unit") or ""
	node = node_of(dispute.get("jurisdiction"), level, unit)
	return frappe._dict(
		level=level,
		unit=unit,
		node=node,
		committee=committee_of(node, unit),
		mediator=(session.mediator if session else "") or "",
		recorder=(session.get("recorder") if session else "") or "",
		signed_on=session.session_on if session else None,
		session=session,
	)


def node_of(jurisdiction: str | None, level: str, unit: str) -> str:
	"""The node standing for `level` over the dispute's place: the level's ancestor of the place, else
	the unit's own node (a District unit), else the place."""
	node_level = NODE_LEVEL_OF_HANDLING_LEVEL.get(level)
	if jurisdiction and node_level:
		node = ancestor_of_level(jurisdiction, node_level)
		if node:
			return node
	if unit:
		return frappe.db.get_value("Handling Unit", unit, "jurisdiction") or ""
	return jurisdiction or ""


def ancestor_of_level(jurisdiction: str | None, level: str) -> str:
	"""The node of `level` that contains `jurisdiction` (itself if it has that level), else ""."""
	if not jurisdiction:
		return ""
	node = frappe.db.get_value("Jurisdiction", jurisdiction, ["lft", "rgt", "level"], as_dict=True)
	if not node:
		return ""
	if node.level == level:
		return jurisdiction
	names = frappe.get_all(
		"Jurisdiction",
		filters={"lft": ("<", node.lft), "rgt": (">", node.rgt), "level": level},
		pluck="name",
		limit=1,
	)
	return names[0] if names else ""


def committee_of(node: str | None, unit: str | None = None) -> str:
	"""The people's mediation committee serving `node`: the nearest Organisation of type Mediation
	Committee at the node or above it, else "<node>人民调解委员会" (a unit's name without a node)."""
	if node:
		place = frappe.db.get_value("Jurisdiction", node, ["lft", "rgt"], as_dict=True)
		if place:
			J = frappe.qb.DocType("Jurisdiction")
			O = frappe.qb.DocType("Organisation")
			committee = (
				frappe.qb.from_(O)
				.join(J)
				.on(J.name == O.jurisdiction)
				.select(O.organisation_name)
				.where((O.org_type == MEDIATION_COMMITTEE) & (J.lft <= place.lft) & (J.rgt >= place.rgt))
				.orderby(J.lft, order=frappe.qb.desc)
				.limit(1)
				.run(pluck=True)
			)
			if committee:
				return committee[0]
		return f"{node}人民调解委员会"
	return f"{unit}人民调解委员会" if unit else ""
