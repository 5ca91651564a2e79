# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

from frappe.model.document import Document


class IncidentResponseLog(Document):
	"""One entry of an emergency incident's response log."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action_taken: DF.SmallText
		logged_by: DF.Link | None
		logged_on: DF.Datetime
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		unit: DF.Link | None
	# end: auto-generated types

	pass
