# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.portal.case_tracking import is_tracked
from xinqu_governance.portal.tracking import is_tracking_code, normalize_tracking_code


class PublicSubmission(Document):
	"""A case of a portal case type (a petition, complaint, service request, ...) filed on the public
	portal (/petition) or registered at a window, with the tracking code the resident follows it with
	on /petition/track. Made by the app only (portal/case_tracking.py)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		jurisdiction: DF.Link
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		submission_type: DF.Data
		submitted_on: DF.Datetime | None
		tracking_code: DF.Data
	# end: auto-generated types

	def validate(self):
		self.validate_tracking_code()
		self.validate_reference()

	def validate_tracking_code(self):
		self.tracking_code = normalize_tracking_code(self.tracking_code)
		if not is_tracking_code(self.tracking_code):
			frappe.throw(_("The tracking code is not valid."), title=_("Invalid Tracking Code"))

	def validate_reference(self):
		if not is_tracked(self.reference_doctype):
			frappe.throw(
				_("A public submission refers to a case of a type filed on the portal."),
				title=_("Invalid Reference"),
			)
