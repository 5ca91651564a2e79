# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

from frappe.model.document import Document


class MediationSession(Document):
	"""One mediation meeting of a dispute."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		handling_level: DF.Literal["", "Village", "Town", "District", "County", "City"]
		handling_unit: DF.Link | None
		location: DF.Data | None
		mediation_type: DF.Literal["", "People's Mediation", "Administrative Mediation", "Judicial Mediation"]
		mediator: DF.Link | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		recorder: DF.Link | None
		result: DF.Literal["", "Continued", "Agreement", "Partial Agreement", "Mediation Failed"]
		session_on: DF.Datetime
		summary: DF.SmallText | None
	# end: auto-generated types

	pass
