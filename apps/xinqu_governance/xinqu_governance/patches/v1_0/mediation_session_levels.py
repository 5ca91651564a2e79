"""Mediation sessions recorded before a session kept its handling level and unit: the sessions with an
agreement get the dispute's level and unit (the level the dispute was concluded at), so the agreement
keeps printing the committee it printed; other sessions stay empty (their level is not known)."""

import frappe

from xinqu_governance.cases.mediating_body import AGREEMENT_RESULTS


def execute():
	frappe.db.sql(
		"""update `tabMediation Session` session
		join `tabDispute` dispute on dispute.name = session.parent and session.parenttype = 'Dispute'
		set session.handling_level = dispute.handling_level, session.handling_unit = dispute.handling_unit
		where session.result in %(results)s and ifnull(session.handling_level, '') = ''""",
		{"results": AGREEMENT_RESULTS},
	)
