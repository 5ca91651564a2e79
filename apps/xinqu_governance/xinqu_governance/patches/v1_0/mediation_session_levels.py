"""Mediation sessions recorded before a session kept its handling level and unit: the sessions with an
agreement get the dispute's level and unit (the level the dispute was concluded at), so the agreement
keeps printing the committee it printed; other sessions stay empty (their level is not known)."""

import frappe

from xinqu_governance.cases.mediating_body import AGREEMENT_RESULTS


def execute():
	session = frappe.qb.DocType("Mediation Session")
	dispute = frappe.qb.DocType("Dispute")
	(
		frappe.qb.update(session)
		.join(dispute)
		.on((dispute.name == session.parent) & (session.parenttype == "Dispute"))
		.set(session.handling_level, dispute.handling_level)
		.set(session.handling_unit, dispute.handling_unit)
		.where(session.result.isin(AGREEMENT_RESULTS))
		.where(session.handling_level.isnull() | (session.handling_level == ""))
		.run()
	)
