# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

from frappe.model.document import Document


class RiskMeasure(Document):
	"""A measure of a stability risk assessment, for one risk level."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		due_date: DF.Date | None
		measure: DF.SmallText
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		responsible_unit: DF.Link | None
		responsible_user: DF.Link | None
		risk_level: DF.Literal["High", "Medium", "Low"]
		status: DF.Literal["Not Started", "Under Way", "Carried Out"]
	# end: auto-generated types

	pass
