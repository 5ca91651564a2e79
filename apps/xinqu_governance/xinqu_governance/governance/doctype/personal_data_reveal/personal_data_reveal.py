# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

from frappe.model.document import Document


class PersonalDataReveal(Document):
	"""Written only by `governance.personal_data.reveal_personal_number`; nobody edits or creates one."""

	pass
