"""Grids of about 60 households (§11 of the 2015 guidance).

A grid is a Jurisdiction node of level Grid (so scoping stays uniform) plus a `Grid Profile` named
after it, whose coverage table lists the buildings / units it covers. From that table the units'
``grid`` is derived, from the unit the dwellings' and households' ``grid`` and ``jurisdiction``, from
the household its residents'. Every change goes through :func:`sync_grid_membership`, which updates
the rows set-based and recounts the grids involved (:func:`recount_grids`).

Rule of the text: "一般多层以楼栋为1个网格, 小高层每2个单元为1个网格, 高层每1个单元为1个网格". The units
per grid are Governance Settings (read by :func:`get_units_per_grid`), the household band too
(`registry.utils.get_household_band`).
"""

import re
from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from xinqu_governance.governance.doctype.governance_settings.governance_settings import get_setting
from xinqu_governance.governance.doctype.jurisdiction.jurisdiction import reserve_leaves
from xinqu_governance.registry.utils import (
	LEVEL_GRID,
	LEVEL_VILLAGE,
	band_status,
	get_grid_settings,
	get_household_band,
	validate_jurisdiction_level,
)

MULTI_STOREY = "Multi-storey"
SMALL_HIGH_RISE = "Small High-rise"
HIGH_RISE = "High-rise"
# building type -> the Governance Settings field holding its staircase units per grid (§11)
UNITS_PER_GRID_SETTING = {
	SMALL_HIGH_RISE: "units_per_grid_small_high_rise",
	HIGH_RISE: "units_per_grid_high_rise",
}


class GridCoverageConflictError(frappe.ValidationError):
	pass


# ------------------------------------------------------------------ proposal


def _natural_key(value):
	return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(value or ""))]


def propose_grids(compound: str) -> dict:
	"""Proposed grids for the compound's units that no grid covers yet, by the text's rule.

	Returns ``{"compound", "village", "target", "band", "basis", "grids": [...]}``; each grid has
	``building``, ``building_type``, ``whole_building``, ``units``, ``unit_numbers``, ``households``,
	``dwellings``, ``count`` (households, or dwellings while nobody has moved in) and ``status``.
	"""
	village = frappe.db.get_value("Resettlement Compound", compound, "jurisdiction")
	if not village:
		frappe.throw(_("Resettlement Compound {0} not found.").format(compound), frappe.DoesNotExistError)

	buildings = frappe.get_all(
		"Building",
		filters={"compound": compound},
		fields=["name", "building_number", "building_type"],
		order_by="name asc",
	)
	buildings.sort(key=lambda b: _natural_key(b.building_number))
	units = frappe.get_all(
		"Building Unit",
		filters={"building": ["in", [b.name for b in buildings] or [""]]},
		fields=["name", "building", "unit_number", "grid"],
		order_by="unit_number asc",
	)
	units_by_building = defaultdict(list)
	for unit in units:
		units_by_building[unit.building].append(unit)

	households, dwellings = _unit_counts([u.name for u in units])
	basis = "households" if any(households.values()) else "dwellings"
	target, _tolerance = get_grid_settings()
	band = get_household_band()

	proposals = []
	for building in buildings:
		building_units = units_by_building.get(building.name, [])
		free = [u for u in building_units if not u.grid]
		if not free:
			continue
		if building.building_type == MULTI_STOREY:
			groups = [free]
		else:
			size = get_units_per_grid(building.building_type)
			groups = [free[i : i + size] for i in range(0, len(free), size)]
		for group in groups:
			hh = sum(households.get(u.name, 0) for u in group)
			dw = sum(dwellings.get(u.name, 0) for u in group)
			count = hh if basis == "households" else dw
			proposals.append(
				frappe._dict(
					building=building.name,
					building_number=building.building_number,
					building_type=building.building_type,
					whole_building=len(group) == len(building_units),
					units=[u.name for u in group],
					unit_numbers=[u.unit_number for u in group],
					households=hh,
					dwellings=dw,
					count=count,
					status=band_status(count, band),
				)
			)
	return frappe._dict(
		compound=compound, village=village, target=target, band=list(band), basis=basis, grids=proposals
	)


def get_units_per_grid(building_type: str | None) -> int:
	"""Staircase units that make one grid in a small high-rise / high-rise building (§11: 2 and 1), from
	Governance Settings; a type without a setting counts one unit per grid."""
	fieldname = UNITS_PER_GRID_SETTING.get(building_type)
	return get_setting(fieldname) if fieldname else 1


def _unit_counts(unit_names: list[str]) -> tuple[dict, dict]:
	"""Households and dwellings per unit, counted in SQL."""
	if not unit_names:
		return {}, {}
	D = frappe.qb.DocType("Dwelling")
	H = frappe.qb.DocType("Household")
	dwellings = dict(
		frappe.qb.from_(D)
		.select(D.building_unit, Count(D.name))
		.where(D.building_unit.isin(unit_names))
		.groupby(D.building_unit)
		.run()
	)
	households = dict(
		frappe.qb.from_(H)
		.join(D)
		.on(H.dwelling == D.name)
		.select(D.building_unit, Count(H.name))
		.where(D.building_unit.isin(unit_names))
		.groupby(D.building_unit)
		.run()
	)
	return households, dwellings


GRID_NAME = re.compile(r"^(.*)第(\d+)网格$")


def next_grid_names(village: str, how_many: int) -> list[tuple[int, str]]:
	"""(number, name) for the next grids under a village, continuing its numbering. Grids are named
	like 小峡镇幸福村第1网格 (town, village, number), or after the village's existing grids."""
	J = frappe.qb.DocType("Jurisdiction")
	siblings = (
		frappe.qb.from_(J)
		.select(J.name)
		.where((J.parent_jurisdiction == village) & (J.level == LEVEL_GRID))
		.run(pluck=True)
	)
	matches = [m for name in siblings if (m := GRID_NAME.match(name))]
	if matches:
		prefixes = [m.group(1) for m in matches]
		prefix = max(set(prefixes), key=prefixes.count)
	else:
		town = frappe.db.get_value("Jurisdiction", village, "parent_jurisdiction") or ""
		prefix = village if village.startswith(town) else f"{town}{village}"
	numbers = [int(m.group(2)) for m in matches if m.group(1) == prefix]
	start = max(numbers, default=0) + 1
	taken = set(siblings)
	names = []
	number = start
	while len(names) < how_many:
		name = f"{prefix}第{number}网格"
		if name not in taken and not frappe.db.exists("Jurisdiction", name):
			names.append((number, name))
		number += 1
	return names


def apply_grid_proposal(compound: str) -> list[str]:
	"""Create the proposed grids: a Jurisdiction node of level Grid under the compound's village and
	its Grid Profile covering the proposed buildings / units. Returns the new grids' names.
	Idempotent: units already covered are not proposed again."""
	proposal = propose_grids(compound)
	if not proposal.grids:
		return []
	validate_jurisdiction_level(proposal.village, LEVEL_VILLAGE, "Village / Community")
	created = []
	names = next_grid_names(proposal.village, len(proposal.grids))
	places = reserve_leaves(proposal.village, len(proposal.grids))  # one shift of the tree for all
	for (number, grid_name), grid, (lft, rgt) in zip(names, proposal.grids, places, strict=True):
		node = frappe.get_doc(
			{
				"doctype": "Jurisdiction",
				"jurisdiction_name": grid_name,
				"level": LEVEL_GRID,
				"parent_jurisdiction": proposal.village,
				"old_parent": proposal.village,
				"lft": lft,
				"rgt": rgt,
			}
		).insert(ignore_permissions=True)
		coverage = (
			[{"building": grid.building}]
			if grid.whole_building and grid.building_type == MULTI_STOREY
			else [{"building": grid.building, "building_unit": unit} for unit in grid.units]
		)
		profile = frappe.get_doc(
			{
				"doctype": "Grid Profile",
				"jurisdiction": node.name,
				"compound": compound,
				"grid_number": number,
				"coverage": coverage,
			}
		)
		profile.flags.skip_membership_sync = True
		profile.insert(ignore_permissions=True)
		created.append(profile.name)
	sync_grid_membership(created)
	return created


# ------------------------------------------------------------------ membership


def covered_units_by_grid(grids) -> dict[str, set[str]]:
	"""Units each Grid Profile covers according to its coverage table (whole-building rows expanded)."""
	grids = [g for g in set(grids or ()) if g]
	if not grids:
		return {}
	C = frappe.qb.DocType("Grid Profile Coverage")
	rows = (
		frappe.qb.from_(C)
		.select(C.parent, C.building, C.building_unit)
		.where((C.parenttype == "Grid Profile") & C.parent.isin(grids))
		.run(as_dict=True)
	)
	whole_buildings = {r.building for r in rows if not r.building_unit}
	units_of_building = defaultdict(set)
	if whole_buildings:
		for unit in frappe.get_all(
			"Building Unit", filters={"building": ["in", list(whole_buildings)]}, fields=["name", "building"]
		):
			units_of_building[unit.building].add(unit.name)
	covered = {grid: set() for grid in grids}
	for row in rows:
		if row.building_unit:
			covered[row.parent].add(row.building_unit)
		else:
			covered[row.parent] |= units_of_building[row.building]
	return covered


def find_coverage_conflicts(grid: str, units) -> dict[str, str]:
	"""Units of ``units`` that another grid already covers: {unit: other grid}."""
	units = set(units or ())
	if not units:
		return {}
	U = frappe.qb.DocType("Building Unit")
	C = frappe.qb.DocType("Grid Profile Coverage")
	rows = (
		frappe.qb.from_(U)
		.select(U.name, U.building, U.grid)
		.where(U.name.isin(list(units)))
		.run(as_dict=True)
	)
	conflicts = {r.name: r.grid for r in rows if r.grid and r.grid != grid}
	buildings = list({r.building for r in rows})
	others = (
		frappe.qb.from_(C)
		.select(C.parent)
		.distinct()
		.where((C.parenttype == "Grid Profile") & C.building.isin(buildings) & (C.parent != grid))
		.run(pluck=True)
	)
	for other, covered in covered_units_by_grid(others).items():
		for unit in covered & units:
			conflicts.setdefault(unit, other)
	return conflicts


def sync_grid_membership(grids) -> set[str]:
	"""Make units, dwellings, households and residents agree with the coverage tables of ``grids``,
	then recount every grid involved. Returns the grids recounted."""
	grids = {g for g in grids or () if g}
	if not grids:
		return set()
	covered = covered_units_by_grid(grids)
	U = frappe.qb.DocType("Building Unit")

	target = {}  # unit -> grid (None: no longer covered)
	if grids:
		for unit in frappe.qb.from_(U).select(U.name).where(U.grid.isin(list(grids))).run(pluck=True):
			target[unit] = None
	for grid, units in covered.items():
		for unit in units:
			target[unit] = grid
	if not target:
		recount_grids(grids)
		return grids

	current = (
		frappe.qb.from_(U)
		.select(U.name, U.grid, U.jurisdiction)
		.where(U.name.isin(list(target)))
		.run(as_dict=True)
	)
	affected = set(grids) | {u.grid for u in current if u.grid}
	by_destination = defaultdict(list)  # (grid or None, unit jurisdiction) -> units
	for unit in current:
		by_destination[(target[unit.name], unit.jurisdiction)].append(unit.name)

	for (grid, village), units in by_destination.items():
		_move_units(units, grid, grid or village)
	recount_grids(affected)
	return affected


def _move_units(units: list[str], grid: str | None, jurisdiction: str) -> None:
	"""Point units, their dwellings, households and residents at ``grid`` / ``jurisdiction``.

	The names are selected first and the UPDATEs use plain IN lists: MariaDB runs an UPDATE whose
	WHERE holds a subquery on another table as a full scan."""
	now = frappe.utils.now_datetime()
	U = frappe.qb.DocType("Building Unit")
	D = frappe.qb.DocType("Dwelling")
	H = frappe.qb.DocType("Household")
	R = frappe.qb.DocType("Resident")
	frappe.qb.update(U).set(U.grid, grid).where(U.name.isin(units)).run()
	frappe.qb.update(D).set(D.grid, grid).where(D.building_unit.isin(units)).run()
	dwellings = frappe.qb.from_(D).select(D.name).where(D.building_unit.isin(units)).run(pluck=True)
	if not dwellings:
		return
	households = frappe.qb.from_(H).select(H.name).where(H.dwelling.isin(dwellings)).run(pluck=True)
	if not households:
		return
	(
		frappe.qb.update(H)
		.set(H.grid, grid)
		.set(H.jurisdiction, jurisdiction)
		.set(H.modified, now)
		.where(H.name.isin(households))
		.run()
	)
	(
		frappe.qb.update(R)
		.set(R.grid, grid)
		.set(R.jurisdiction, jurisdiction)
		.set(R.modified, now)
		.where(R.household.isin(households))
		.run()
	)


def recount_grids(grids) -> None:
	"""Set household, resident (living here) and worker counts, the band status and the coverage
	rows' household counts of the Grid Profiles of ``grids`` from aggregate queries."""
	grids = [g for g in set(grids or ()) if g]
	if not grids:
		return
	H = frappe.qb.DocType("Household")
	R = frappe.qb.DocType("Resident")
	W = frappe.qb.DocType("Grid Profile Worker")
	D = frappe.qb.DocType("Dwelling")
	GP = frappe.qb.DocType("Grid Profile")
	C = frappe.qb.DocType("Grid Profile Coverage")

	households = dict(
		frappe.qb.from_(H).select(H.grid, Count(H.name)).where(H.grid.isin(grids)).groupby(H.grid).run()
	)
	residents = dict(
		frappe.qb.from_(R)
		.select(R.grid, Count(R.name))
		.where(R.grid.isin(grids) & (R.residence_status.isnull() | (R.residence_status == "Living Here")))
		.groupby(R.grid)
		.run()
	)
	workers = dict(
		frappe.qb.from_(W)
		.select(W.parent, Count(W.name))
		.where((W.parenttype == "Grid Profile") & W.parent.isin(grids))
		.groupby(W.parent)
		.run()
	)
	per_unit = (
		frappe.qb.from_(H)
		.join(D)
		.on(H.dwelling == D.name)
		.select(H.grid, D.building, D.building_unit, Count(H.name))
		.where(H.grid.isin(grids))
		.groupby(H.grid, D.building, D.building_unit)
		.run()
	)
	unit_count = defaultdict(int)
	building_count = defaultdict(int)
	for grid, building, unit, n in per_unit:
		unit_count[(grid, unit)] += n
		building_count[(grid, building)] += n

	band = get_household_band()
	profiles = frappe.qb.from_(GP).select(GP.name).where(GP.name.isin(grids)).run(pluck=True)
	for grid in profiles:
		n = households.get(grid, 0)
		(
			frappe.qb.update(GP)
			.set(GP.household_count, n)
			.set(GP.resident_count, residents.get(grid, 0))
			.set(GP.worker_count, workers.get(grid, 0))
			.set(GP.band_status, band_status(n, band))
			.where(GP.name == grid)
			.run()
		)
	rows = (
		frappe.qb.from_(C)
		.select(C.name, C.parent, C.building, C.building_unit, C.household_count)
		.where((C.parenttype == "Grid Profile") & C.parent.isin(grids))
		.run(as_dict=True)
	)
	for row in rows:
		n = (
			unit_count[(row.parent, row.building_unit)]
			if row.building_unit
			else building_count[(row.parent, row.building)]
		)
		if n != row.household_count:
			frappe.qb.update(C).set(C.household_count, n).where(C.name == row.name).run()


def recount_all_grids() -> None:
	recount_grids(frappe.get_all("Grid Profile", pluck="name"))


# ------------------------------------------------------------------ moves


def move_units_to_grid(units, grid: str) -> set[str]:
	"""Move building units (with their dwellings, households and residents) to ``grid``.

	Coverage rows of the grids that covered them are removed (a whole-building row is split into the
	remaining units), a row per unit is added to the target grid, and all counts are recomputed."""
	units = list(dict.fromkeys(units))
	validate_jurisdiction_level(grid, LEVEL_GRID, "Grid")
	if not frappe.db.exists("Grid Profile", grid):
		frappe.throw(_("Grid {0} has no Grid Profile.").format(grid), frappe.DoesNotExistError)
	unit_rows = frappe.get_all(
		"Building Unit", filters={"name": ["in", units]}, fields=["name", "building", "grid"]
	)
	if len(unit_rows) != len(units):
		frappe.throw(_("Some building units do not exist."), frappe.DoesNotExistError)
	moving = {u.name for u in unit_rows}
	buildings = {u.building for u in unit_rows}

	C = frappe.qb.DocType("Grid Profile Coverage")
	sources = set(
		frappe.qb.from_(C)
		.select(C.parent)
		.where((C.parenttype == "Grid Profile") & (C.building.isin(list(buildings))))
		.run(pluck=True)
	) | {u.grid for u in unit_rows if u.grid}
	sources.discard(grid)

	for source in sorted(sources):
		profile = frappe.get_doc("Grid Profile", source)
		profile.remove_units(moving)
		profile.flags.skip_membership_sync = True
		profile.save(ignore_permissions=True)

	# release the units first, so that the target's coverage check sees them free
	released = sync_grid_membership(sources)
	target = frappe.get_doc("Grid Profile", grid)
	target.add_units(unit_rows)
	target.flags.skip_membership_sync = True
	target.save(ignore_permissions=True)
	return released | sync_grid_membership({grid})


def move_building_to_grid(building: str, grid: str) -> set[str]:
	"""Move every unit of ``building`` to ``grid``."""
	units = frappe.get_all("Building Unit", filters={"building": building}, pluck="name")
	if not units:
		frappe.throw(_("Building {0} has no units.").format(building))
	return move_units_to_grid(units, grid)


# ------------------------------------------------------------------ whitelisted


def get_grid_proposal(compound: str) -> dict:
	frappe.get_doc("Resettlement Compound", compound).check_permission("read")
	return propose_grids(compound)


def create_proposed_grids(compound: str) -> list[str]:
	frappe.get_doc("Resettlement Compound", compound).check_permission("read")
	frappe.has_permission("Grid Profile", "create", throw=True)
	return apply_grid_proposal(compound)


def move_building(building: str, grid: str) -> list[str]:
	frappe.get_doc("Building", building).check_permission("read")
	frappe.get_doc("Grid Profile", grid).check_permission("write")
	return sorted(move_building_to_grid(building, grid))
