# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.portal.tracking import is_tracking_code, normalize_tracking_code


class PublicSubmission(Document):
	"""A petition, complaint or service request a resident filed on the public portal (/petition), with
	the tracking code the resident follows it with on /petition/track. Made by the portal only."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		jurisdiction: DF.Link
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		submission_type: DF.Literal["Petition", "Complaint", "Service Request"]
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
		if self.reference_doctype not in ("Petition", "Service Request"):
			frappe.throw(
				_("A public submission refers to a Petition or a Service Request."),
				title=_("Invalid Reference"),
			)
