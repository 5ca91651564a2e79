# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CaseTypeIntakeField(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		applies_to: DF.Literal["Grid Event and Portal", "Grid Event", "Portal"]
		case_field: DF.Data
		fixed_value: DF.Data | None
		intake_value: DF.Literal[
			"Description",
			"Contact Name",
			"Contact Phone",
			"Citizen ID Number",
			"Resident",
			"Location",
			"Service Type",
			"Fixed Value",
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types

	pass
