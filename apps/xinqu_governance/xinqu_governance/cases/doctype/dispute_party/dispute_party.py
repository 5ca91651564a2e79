# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

from frappe.model.document import Document


class DisputeParty(Document):
	"""A party to a dispute: a registered resident, or a name and citizen ID number."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		citizen_id: DF.Data | None
		citizen_id_masked: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		party_name: DF.Data | None
		party_role: DF.Literal["Applicant", "Respondent", "Third Party"]
		phone: DF.Data | None
		phone_masked: DF.Data | None
		resident: DF.Link | None
		satisfaction: DF.Literal["", "Satisfied", "Basically Satisfied", "Dissatisfied"]
	# end: auto-generated types

	pass
