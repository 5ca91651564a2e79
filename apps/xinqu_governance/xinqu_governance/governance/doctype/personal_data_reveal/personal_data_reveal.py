# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

from frappe.model.document import Document


class PersonalDataReveal(Document):
	"""Written only by `governance.personal_data.reveal_personal_number`; nobody edits or creates one."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		field_doctype: DF.Link | None
		fieldname: DF.Data | None
		reason: DF.SmallText | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		revealed_on: DF.Datetime | None
		user: DF.Link | None
	# end: auto-generated types
