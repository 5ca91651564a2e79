# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.registry.housing import (
	compound_has_grids,
	propagate_compound_jurisdiction,
	recount_housing,
)
from xinqu_governance.registry.utils import LEVEL_VILLAGE, ensure_index, validate_jurisdiction_level


class ResettlementCompound(Document):
	def validate(self):
		validate_jurisdiction_level(self.jurisdiction, LEVEL_VILLAGE, "Village / Community")
		self.validate_jurisdiction_change()

	def validate_jurisdiction_change(self):
		before = self.get_doc_before_save()
		if before and before.jurisdiction != self.jurisdiction and compound_has_grids(self.name):
			frappe.throw(
				_(
					"The compound's units are divided into grids of {0}; move or delete those grids first."
				).format(before.jurisdiction),
				title=_("Compound Has Grids"),
			)

	def on_update(self):
		before = self.get_doc_before_save()
		if before and before.jurisdiction != self.jurisdiction:
			propagate_compound_jurisdiction(self.name, self.jurisdiction)
		recount_housing([self.name])


def on_doctype_update():
	# lists sort by creation (indexed by default on v16, not on v15)
	ensure_index("Resettlement Compound", ["creation"])
