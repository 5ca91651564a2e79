# Copyright (c) 2025, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from xinqu_governance.governance.access import is_active_on, sync_user_access
from xinqu_governance.governance.roles import GOVERNANCE_ROLES, LEVELS_BY_ROLE


class JurisdictionAssignmentError(frappe.ValidationError):
	"""The assignment's role, level or period is not allowed."""


class JurisdictionAssignment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		is_active: DF.Check
		jurisdiction: DF.Link
		jurisdiction_level: DF.Literal["", "City", "County", "Town", "Village", "Grid"]
		role: DF.Link
		user: DF.Link
		user_full_name: DF.Data | None
		valid_from: DF.Date
		valid_to: DF.Date | None
	# end: auto-generated types

	def validate(self):
		self.validate_user()
		self.validate_governance_role()
		self.validate_role_fits_level()
		self.validate_period()
		self.validate_no_overlap()
		self.is_active = int(is_active_on(self.valid_from, self.valid_to, getdate()))

	def validate_user(self):
		if self.user in ("Administrator", "Guest"):
			frappe.throw(
				_("{0} cannot hold a jurisdiction assignment.").format(self.user),
				JurisdictionAssignmentError,
				title=_("Invalid User"),
			)

	def validate_governance_role(self):
		if self.role not in GOVERNANCE_ROLES:
			frappe.throw(
				_("{0} is not a governance role. Choose one of: {1}.").format(
					frappe.bold(self.role), ", ".join(_(role) for role in GOVERNANCE_ROLES)
				),
				JurisdictionAssignmentError,
				title=_("Invalid Role"),
			)

	def validate_role_fits_level(self):
		allowed_levels = LEVELS_BY_ROLE.get(self.role)
		level = frappe.db.get_value("Jurisdiction", self.jurisdiction, "level")
		self.jurisdiction_level = level
		if allowed_levels is None or level in allowed_levels:
			return
		frappe.throw(
			_("A {0} is held at the level {1}, but {2} is a {3}.").format(
				_(self.role),
				" / ".join(_(lvl) for lvl in allowed_levels),
				frappe.bold(self.jurisdiction),
				_(level or ""),
			),
			JurisdictionAssignmentError,
			title=_("Role Does Not Fit the Level"),
		)

	def validate_period(self):
		if self.valid_to and getdate(self.valid_to) < getdate(self.valid_from):
			frappe.throw(
				_("Valid To ({0}) cannot be before Valid From ({1}).").format(
					frappe.format(self.valid_to, {"fieldtype": "Date"}),
					frappe.format(self.valid_from, {"fieldtype": "Date"}),
				),
				JurisdictionAssignmentError,
				title=_("Invalid Period"),
			)

	def validate_no_overlap(self):
		"""The same user may not hold the same role at the same node twice in overlapping periods."""
		assignment = frappe.qb.DocType("Jurisdiction Assignment")
		query = (
			frappe.qb.from_(assignment)
			.select(assignment.name)
			.where(
				(assignment.user == self.user)
				& (assignment.role == self.role)
				& (assignment.jurisdiction == self.jurisdiction)
				& (assignment.name != (self.name or ""))
				& (assignment.valid_to.isnull() | (assignment.valid_to >= getdate(self.valid_from)))
			)
			.limit(1)
		)
		if self.valid_to:
			query = query.where(assignment.valid_from <= getdate(self.valid_to))
		overlapping = query.run(pluck=True)
		if overlapping:
			frappe.throw(
				_("{0} already holds {1} at {2} in an overlapping period ({3}).").format(
					self.user, _(self.role), self.jurisdiction, overlapping[0]
				),
				JurisdictionAssignmentError,
				title=_("Overlapping Assignment"),
			)

	def on_update(self):
		before = self.get_doc_before_save()
		if before and before.user != self.user:
			# the previous holder loses what this assignment gave them
			sync_user_access(
				before.user, also_managed_roles={before.role}, also_managed_nodes={before.jurisdiction}
			)
		sync_user_access(
			self.user,
			also_managed_roles={before.role} if before else (),
			also_managed_nodes={before.jurisdiction} if before else (),
		)

	def on_trash(self):
		sync_user_access(
			self.user,
			also_managed_roles={self.role},
			also_managed_nodes={self.jurisdiction},
			exclude_assignment=self.name,
		)
