# Copyright (c) 2025, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils.nestedset import NestedSet

# Levels from the top of the tree down; a node sits exactly one level below its parent.
LEVELS = ("City", "County", "Town", "Village", "Grid")


class JurisdictionLevelError(frappe.ValidationError):
	"""A node does not sit exactly one level below its parent."""


class Jurisdiction(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		is_group: DF.Check
		jurisdiction_code: DF.Data | None
		jurisdiction_name: DF.Data
		level: DF.Literal["City", "County", "Town", "Village", "Grid"]
		lft: DF.Int
		old_parent: DF.Link | None
		parent_jurisdiction: DF.Link | None
		rgt: DF.Int
	# end: auto-generated types

	nsm_parent_field = "parent_jurisdiction"

	def validate(self):
		self.set_is_group()
		self.validate_level_below_parent()

	def after_insert(self):
		super().after_insert()
		forget_cached_user_permissions()

	def on_update(self):
		super().on_update()
		if self.has_value_changed("parent_jurisdiction"):
			forget_cached_user_permissions()

	def set_is_group(self):
		"""Every level but Grid can hold child nodes; a grid is always a leaf."""
		self.is_group = 0 if self.level == "Grid" else 1

	def validate_level_below_parent(self):
		if self.level not in LEVELS:
			return  # the mandatory / option checks report it

		if self.level == "City":
			if self.parent_jurisdiction:
				frappe.throw(
					_("A City is the top of the tree and cannot have a parent jurisdiction."),
					JurisdictionLevelError,
					title=_("Wrong Jurisdiction Level"),
				)
			return

		expected_parent_level = parent_level_of(self.level)
		if not self.parent_jurisdiction:
			frappe.throw(
				_("A {0} must have a parent jurisdiction of level {1}.").format(
					_(self.level), _(expected_parent_level)
				),
				JurisdictionLevelError,
				title=_("Wrong Jurisdiction Level"),
			)

		parent_level = frappe.db.get_value("Jurisdiction", self.parent_jurisdiction, "level")
		if parent_level != expected_parent_level:
			frappe.throw(
				_("A {0} must sit directly under a {1}, but {2} is a {3}.").format(
					_(self.level),
					_(expected_parent_level),
					frappe.bold(self.parent_jurisdiction),
					_(parent_level or ""),
				),
				JurisdictionLevelError,
				title=_("Wrong Jurisdiction Level"),
			)


def reserve_leaves(parent: str, count: int) -> list[tuple[int, int]]:
	"""Room in the nested set for `count` new leaves under `parent`, made by one shift of the nodes to
	its right: returns each leaf's (lft, rgt). A node inserted with them and `old_parent` set to its
	parent is taken as placed by Frappe's `update_nsm` (it adds a node only when lft and rgt are empty
	and moves one only when the parent changed), so Frappe's tree code stays the only one that moves
	nodes.

	Why not Frappe's own add: `update_add_node` shifts every node right of the parent once per new node.
	At a city's 9 000 nodes the ~580 grids of one resettlement compound so rewrote ~4M lft/rgt values
	in one transaction (docs/benchmarks.md); here it is two UPDATEs for all of them."""
	if count <= 0:
		return []
	right = frappe.db.get_value("Jurisdiction", parent, "rgt", for_update=True)
	table = frappe.qb.DocType("Jurisdiction")
	width = 2 * count
	frappe.qb.update(table).set(table.rgt, table.rgt + width).where(table.rgt >= right).run()
	frappe.qb.update(table).set(table.lft, table.lft + width).where(table.lft >= right).run()
	return [(right + 2 * index, right + 2 * index + 1) for index in range(count)]


def forget_cached_user_permissions() -> None:
	"""A User Permission on a node reaches the nodes under it, and Frappe caches each user's list of
	them (`frappe.cache` "user_permissions") until one of *their* User Permissions changes; NestedSet
	clears it only for the user who made the node. So a node made or moved under an officer's node
	stayed invisible to him (records in it too) until the cache was cleared: drop every user's list,
	now and again once the node is committed (a request in between would cache the list without it)."""
	frappe.cache.delete_value("user_permissions")
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value("user_permissions"))


def parent_level_of(level: str) -> str | None:
	"""The level directly above `level` (None for City)."""
	index = LEVELS.index(level)
	return LEVELS[index - 1] if index else None
