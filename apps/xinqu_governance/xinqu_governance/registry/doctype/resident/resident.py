# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from xinqu_governance.registry import citizen_id
from xinqu_governance.registry.grids import recount_grids
from xinqu_governance.registry.utils import (
	LEVEL_COUNTY,
	LEVEL_GRID,
	LEVEL_TOWN,
	check_derived_jurisdiction_permission,
	ensure_index,
	get_ancestor_at_level,
	get_jurisdiction_level,
	validate_jurisdiction_level,
	validate_phone,
)


class InvalidCitizenIDError(frappe.ValidationError):
	pass


class DuplicateResidentError(frappe.ValidationError):
	pass


LIVING_HERE = "Living Here"
MERGED = "Merged into Another Record"


class Resident(Document):
	"""居民: one person, one record, keyed by the citizen ID number."""

	def validate(self):
		self.validate_citizen_id()
		self.validate_unique_citizen_id()
		self.phone = validate_phone(self.phone, "Phone")
		self.validate_floating()
		self.validate_special_groups()
		self.validate_residence_status()
		self.set_grid_and_jurisdiction()
		check_derived_jurisdiction_permission(self)

	def validate_citizen_id(self):
		"""Normalise the number (x → X) and set birth date and sex from it."""
		try:
			parsed = citizen_id.parse(self.citizen_id)
		except citizen_id.CitizenIDError as error:
			frappe.throw(
				_("Citizen ID number {0}: {1}").format(self.citizen_id or "", error.message),
				InvalidCitizenIDError,
				title=_("Invalid Citizen ID Number"),
			)
		self.citizen_id = parsed.number
		self.birth_date = parsed.birth_date
		self.sex = parsed.sex

	def validate_unique_citizen_id(self):
		"""Refuse a second record of the same person, naming only the town of the first: the user may
		not be allowed to open it. Reads without permission checks."""
		existing = find_resident_by_citizen_id(self.citizen_id, exclude=self.name)
		if existing:
			frappe.throw(
				_("A resident with citizen ID number {0} is already registered in {1}.").format(
					self.citizen_id, describe_location(existing.jurisdiction)
				),
				DuplicateResidentError,
				title=_("Resident Already Registered"),
			)

	def validate_floating(self):
		if self.is_floating and not (self.floating_from or "").strip():
			frappe.throw(_("Enter where the floating resident came from."), title=_("Missing Origin"))
		if not self.is_floating:
			self.floating_from = None
			self.floating_since = None

	def validate_special_groups(self):
		seen = set()
		for row in self.special_groups:
			if row.special_group in seen:
				frappe.throw(
					_("Special group {0} is listed twice.").format(_(row.special_group)),
					title=_("Duplicate Special Group"),
				)
			seen.add(row.special_group)

	def validate_residence_status(self):
		"""Staff do not delete a person (hard delete is for administrators): they record that he moved
		out, died, or was a duplicate merged into another record."""
		if self.residence_status == LIVING_HERE:
			self.status_since = None
			self.merged_into = None
			return
		self.status_since = self.status_since or getdate()
		if self.residence_status != MERGED:
			self.merged_into = None
		elif not self.merged_into or self.merged_into == self.name:
			frappe.throw(
				_("Name the resident record this one was merged into."), title=_("Missing Merge Target")
			)

	def set_grid_and_jurisdiction(self):
		"""A member of a household lives where the household lives; otherwise the grid is the chosen
		jurisdiction when that is a grid node. ``household`` is written only by the Household (its
		member table): a value sent by a client is ignored."""
		self.household = None if self.is_new() else frappe.db.get_value("Resident", self.name, "household")
		if self.household:
			location = frappe.db.get_value(
				"Household", self.household, ["grid", "jurisdiction"], as_dict=True
			)
			if location:
				self.grid = location.grid
				self.jurisdiction = location.jurisdiction
				return
		if get_jurisdiction_level(self.jurisdiction) == LEVEL_GRID:
			self.grid = self.jurisdiction
		elif self.grid:
			validate_jurisdiction_level(self.grid, LEVEL_GRID, "Grid")
			self.jurisdiction = self.grid

	def on_update(self):
		before = self.get_doc_before_save()
		if not before or before.grid != self.grid or before.residence_status != self.residence_status:
			recount_grids({self.grid, before.grid if before else None})

	def after_delete(self):
		recount_grids({self.grid})


def find_resident_by_citizen_id(number: str, exclude: str | None = None):
	"""The existing resident with this number (name, jurisdiction), read without permission checks."""
	resident = frappe.qb.DocType("Resident")
	query = (
		frappe.qb.from_(resident)
		.select(resident.name, resident.jurisdiction)
		.where(resident.citizen_id == number)
	)
	if exclude:
		query = query.where(resident.name != exclude)
	rows = query.limit(1).run(as_dict=True)
	return rows[0] if rows else None


def describe_location(jurisdiction: str | None) -> str:
	"""The town (else county) containing ``jurisdiction``: all a duplicate message may reveal."""
	return (
		get_ancestor_at_level(jurisdiction, LEVEL_TOWN)
		or get_ancestor_at_level(jurisdiction, LEVEL_COUNTY)
		or _("another jurisdiction")
	)


def on_doctype_update():
	# lists sort by creation (indexed by default on v16, not on v15); scoped lists filter by jurisdiction
	ensure_index("Resident", ["creation"])
	ensure_index("Resident", ["jurisdiction", "creation"])


def read_citizen_id(number: str) -> dict:
	"""What the form shows while the number is typed: the normalised number with its birth date and
	sex, or why it is not a valid number (the same check as on save, `registry.citizen_id.parse`)."""
	try:
		parsed = citizen_id.parse(number)
	except citizen_id.CitizenIDError as error:
		return {"valid": False, "message": error.message}
	return {"valid": True, "number": parsed.number, "birth_date": str(parsed.birth_date), "sex": parsed.sex}
