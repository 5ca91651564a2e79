# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.naming import make_autoname
from frappe.utils import getdate

from xinqu_governance.registry.grids import recount_grids
from xinqu_governance.registry.housing import recount_housing
from xinqu_governance.registry.hukou import apply_hukou_rules, record_hukou_move
from xinqu_governance.registry.utils import (
	LEVEL_GRID,
	LEVEL_VILLAGE,
	check_derived_jurisdiction_permission,
	ensure_index,
	get_jurisdiction_level,
	validate_jurisdiction_level,
)

HOUSEHOLD_CODE_SERIES = "HH-.#######"
HEAD = "Head"
ALLOWANCE_STATUSES = (
	"Urban Minimum Living Allowance",
	"Rural Minimum Living Allowance",
	"Extreme Poverty Support",
)


class DwellingAlreadyAllocatedError(frappe.ValidationError):
	pass


class ResidentInAnotherHouseholdError(frappe.ValidationError):
	pass


class Household(Document):
	"""户. Named by its household code; the member table is the one source of Resident.household."""

	def autoname(self):
		if not (self.household_code or "").strip():
			self.household_code = make_autoname(HOUSEHOLD_CODE_SERIES, "Household")
		self.household_code = self.household_code.strip()
		self.name = self.household_code

	def validate(self):
		self.validate_household_code()
		validate_jurisdiction_level(self.origin_village, LEVEL_VILLAGE, "Origin Village")
		self.validate_dwelling()
		self.set_grid_and_jurisdiction()
		self.validate_members()
		self.validate_allocation()
		self.validate_low_income()
		apply_hukou_rules(self)
		check_derived_jurisdiction_permission(self)

	def validate_household_code(self):
		if not self.is_new() and self.household_code != self.name:
			frappe.throw(_("The household code cannot be changed."), title=_("Invalid Household"))

	def validate_dwelling(self):
		if not self.dwelling:
			return
		other = frappe.db.get_value(
			"Household", {"dwelling": self.dwelling, "name": ["!=", self.name or ""]}, "name"
		)
		if other:
			frappe.throw(
				_("Dwelling {0} is already allocated to household {1}.").format(self.dwelling, other),
				DwellingAlreadyAllocatedError,
				title=_("Dwelling Taken"),
			)

	def set_grid_and_jurisdiction(self):
		"""The dwelling's unit decides the grid when a grid covers it; the jurisdiction is the grid, else
		the dwelling's village, else what the user chose (a grid chosen there becomes the grid)."""
		if self.dwelling:
			dwelling = frappe.db.get_value(
				"Dwelling", self.dwelling, ["grid", "jurisdiction", "compound"], as_dict=True
			)
			self.compound = dwelling.compound
			if dwelling.grid:
				self.grid = dwelling.grid
			elif (
				self.grid
				and frappe.db.get_value("Jurisdiction", self.grid, "parent_jurisdiction")
				!= dwelling.jurisdiction
			):
				self.grid = None
			self.jurisdiction = self.grid or dwelling.jurisdiction
		else:
			self.compound = None
			if not self.grid and get_jurisdiction_level(self.jurisdiction) == LEVEL_GRID:
				self.grid = self.jurisdiction
			validate_jurisdiction_level(self.grid, LEVEL_GRID, "Grid")
			if self.grid:
				self.jurisdiction = self.grid

	def validate_members(self):
		seen = set()
		for row in self.members:
			if row.resident in seen:
				frappe.throw(
					_("Row {0}: {1} is listed twice.").format(row.idx, row.full_name or row.resident),
					title=_("Duplicate Member"),
				)
			seen.add(row.resident)

		if self.head and self.head not in seen:
			self.append("members", {"resident": self.head, "relation": HEAD})
			seen.add(self.head)
		heads = [row for row in self.members if row.relation == HEAD]
		if self.members and len(heads) != 1:
			frappe.throw(
				_("A household has exactly one member with relation Head, not {0}.").format(len(heads)),
				title=_("Head of Household"),
			)
		if heads:
			if self.head and heads[0].resident != self.head:
				frappe.throw(
					_("The member marked Head is not the head of household."), title=_("Head of Household")
				)
			self.head = heads[0].resident

		if seen:
			member = frappe.qb.DocType("Household Member")
			elsewhere = (
				frappe.qb.from_(member)
				.select(member.resident, member.parent)
				.where(
					(member.parenttype == "Household")
					& member.resident.isin(list(seen))
					& (member.parent != (self.name or ""))
				)
				.limit(1)
				.run()
			)
			if elsewhere:
				frappe.throw(
					_("Resident {0} is already a member of household {1}.").format(*elsewhere[0]),
					ResidentInAnotherHouseholdError,
					title=_("Member of Another Household"),
				)
		self.member_count = len(self.members)

	def validate_allocation(self):
		if (
			self.allocation_date
			and self.move_in_date
			and getdate(self.move_in_date) < getdate(self.allocation_date)
		):
			frappe.throw(_("The move-in date is before the allocation date."), title=_("Invalid Dates"))
		if self.transition_status in ("Allocated", "Moved In") and not self.dwelling:
			frappe.throw(
				_("Transition status {0} needs an allocated dwelling.").format(_(self.transition_status)),
				title=_("No Dwelling"),
			)
		if self.transition_status == "Moved In" and not self.move_in_date:
			frappe.throw(_("Enter the move-in date."), title=_("Missing Move-in Date"))
		if self.hukou_status != "Converted to Non-agricultural":
			self.hukou_conversion_date = None

	def validate_low_income(self):
		if self.low_income_status not in ALLOWANCE_STATUSES:
			self.low_income_since = None

	def on_update(self):
		before = self.get_doc_before_save()
		self.sync_member_residents()
		self.update_dwellings(before.dwelling if before else None)
		record_hukou_move(self, before)
		recount_grids({self.grid, before.grid if before else None})
		recount_housing({self.compound, before.compound if before else None})

	def sync_member_residents(self):
		"""Point member residents at this household (its grid and jurisdiction), release the others."""
		resident = frappe.qb.DocType("Resident")
		members = [row.resident for row in self.members]
		now = frappe.utils.now_datetime()
		former = (
			frappe.qb.from_(resident)
			.select(resident.name, resident.grid)
			.where((resident.household == self.name) & resident.name.notin(members or [""]))
			.run(as_dict=True)
		)
		if former:
			(
				frappe.qb.update(resident)
				.set(resident.household, None)
				.set(resident.modified, now)
				.where(resident.name.isin([r.name for r in former]))
				.run()
			)
		if members:
			old_grids = (
				frappe.qb.from_(resident)
				.select(resident.grid)
				.distinct()
				.where(resident.name.isin(members))
				.run(pluck=True)
			)
			(
				frappe.qb.update(resident)
				.set(resident.household, self.name)
				.set(resident.grid, self.grid)
				.set(resident.jurisdiction, self.jurisdiction)
				.set(resident.modified, now)
				.where(resident.name.isin(members))
				.run()
			)
			recount_grids(set(old_grids) - {self.grid})

	def update_dwellings(self, previous_dwelling):
		dwelling = frappe.qb.DocType("Dwelling")
		if previous_dwelling and previous_dwelling != self.dwelling:
			(
				frappe.qb.update(dwelling)
				.set(dwelling.household, None)
				.set(dwelling.allocation_status, "Vacant")
				.where(dwelling.name == previous_dwelling)
				.run()
			)
		if self.dwelling:
			status = "Occupied" if self.transition_status == "Moved In" else "Allocated"
			(
				frappe.qb.update(dwelling)
				.set(dwelling.household, self.name)
				.set(dwelling.allocation_status, status)
				.where(dwelling.name == self.dwelling)
				.run()
			)

	def on_trash(self):
		resident = frappe.qb.DocType("Resident")
		frappe.qb.update(resident).set(resident.household, None).where(resident.household == self.name).run()
		if self.dwelling:
			dwelling = frappe.qb.DocType("Dwelling")
			(
				frappe.qb.update(dwelling)
				.set(dwelling.household, None)
				.set(dwelling.allocation_status, "Vacant")
				.where(dwelling.name == self.dwelling)
				.run()
			)

	def after_delete(self):
		recount_grids({self.grid})
		recount_housing({self.compound})


def on_doctype_update():
	# lists sort by creation (indexed by default on v16, not on v15); scoped lists filter by jurisdiction
	ensure_index("Household", ["creation"])
	ensure_index("Household", ["jurisdiction", "creation"])
