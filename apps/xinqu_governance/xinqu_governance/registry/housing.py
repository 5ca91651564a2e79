"""Housing: compound → building → unit → dwelling. Units and dwellings are created set-based,
jurisdictions flow down from the compound, and household counts are recomputed in SQL."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from xinqu_governance.registry.bulk import insert_rows


def unit_name(building: str, unit_number: int) -> str:
	return f"{building}-{unit_number}"


def room_number(floor: int, position: int) -> str:
	"""Door number as painted in Chinese buildings: floor then position, 502 = 5th floor, 2nd door."""
	return f"{floor}{position:02d}"


def dwelling_name(building_unit: str, room: str) -> str:
	return f"{building_unit}-{room}"


def create_units_and_dwellings(building) -> tuple[int, int]:
	"""Create the building's missing units (1..unit_count) and, for each new unit, its dwellings
	(floors x dwellings_per_floor). Returns (units created, dwellings created)."""
	existing = set(frappe.get_all("Building Unit", filters={"building": building.name}, pluck="unit_number"))
	new_units = [n for n in range(1, (building.unit_count or 0) + 1) if n not in existing]
	units, dwellings = [], []
	for number in new_units:
		name = unit_name(building.name, number)
		units.append(
			{
				"name": name,
				"building": building.name,
				"unit_number": number,
				"compound": building.compound,
				"building_type": building.building_type,
				"jurisdiction": building.jurisdiction,
				"household_count": 0,
			}
		)
		for floor in range(1, (building.floors or 0) + 1):
			for position in range(1, (building.dwellings_per_floor or 0) + 1):
				room = room_number(floor, position)
				dwellings.append(
					{
						"name": dwelling_name(name, room),
						"building_unit": name,
						"building": building.name,
						"compound": building.compound,
						"floor": floor,
						"room": room,
						"allocation_status": "Vacant",
						"jurisdiction": building.jurisdiction,
					}
				)
	insert_rows("Building Unit", units)
	insert_rows("Dwelling", dwellings)
	return len(units), len(dwellings)


def propagate_compound_jurisdiction(compound: str, jurisdiction: str) -> None:
	"""Move the compound's buildings, units, dwellings, and the households (and their residents)
	living there without a grid, to ``jurisdiction``."""
	B = frappe.qb.DocType("Building")
	U = frappe.qb.DocType("Building Unit")
	D = frappe.qb.DocType("Dwelling")
	H = frappe.qb.DocType("Household")
	R = frappe.qb.DocType("Resident")
	frappe.qb.update(B).set(B.jurisdiction, jurisdiction).where(B.compound == compound).run()
	frappe.qb.update(U).set(U.jurisdiction, jurisdiction).where(U.compound == compound).run()
	frappe.qb.update(D).set(D.jurisdiction, jurisdiction).where(D.compound == compound).run()
	# names first, then plain IN lists (an UPDATE with a subquery on another table scans the table)
	households = (
		frappe.qb.from_(H)
		.join(D)
		.on(H.dwelling == D.name)
		.select(H.name)
		.where((D.compound == compound) & (H.grid.isnull() | (H.grid == "")))
		.run(pluck=True)
	)
	if households:
		frappe.qb.update(H).set(H.jurisdiction, jurisdiction).where(H.name.isin(households)).run()
		frappe.qb.update(R).set(R.jurisdiction, jurisdiction).where(R.household.isin(households)).run()


def compound_has_grids(compound: str) -> bool:
	U = frappe.qb.DocType("Building Unit")
	return bool(
		frappe.qb.from_(U)
		.select(U.name)
		.where((U.compound == compound) & U.grid.isnotnull() & (U.grid != ""))
		.limit(1)
		.run()
	)


def recount_housing(compounds) -> None:
	"""Recompute household counts of units and buildings and the building / dwelling / household
	counts of the compounds, from grouped queries; rows are written only when a count changed."""
	compounds = [c for c in set(compounds or ()) if c]
	if not compounds:
		return
	H = frappe.qb.DocType("Household")
	D = frappe.qb.DocType("Dwelling")
	U = frappe.qb.DocType("Building Unit")
	B = frappe.qb.DocType("Building")
	RC = frappe.qb.DocType("Resettlement Compound")

	per_unit = (
		frappe.qb.from_(H)
		.join(D)
		.on(H.dwelling == D.name)
		.select(D.building_unit, D.building, D.compound, Count(H.name))
		.where(D.compound.isin(compounds))
		.groupby(D.building_unit, D.building, D.compound)
		.run()
	)
	unit_households = defaultdict(int)
	building_households = defaultdict(int)
	compound_households = defaultdict(int)
	for unit, building, compound, n in per_unit:
		unit_households[unit] += n
		building_households[building] += n
		compound_households[compound] += n

	for table, households in ((U, unit_households), (B, building_households)):
		for name, current in (
			frappe.qb.from_(table)
			.select(table.name, table.household_count)
			.where(table.compound.isin(compounds))
			.run()
		):
			if (current or 0) != households[name]:
				frappe.qb.update(table).set(table.household_count, households[name]).where(
					table.name == name
				).run()

	buildings, dwellings = (
		dict(
			frappe.qb.from_(table)
			.select(table.compound, Count(table.name))
			.where(table.compound.isin(compounds))
			.groupby(table.compound)
			.run()
		)
		for table in (B, D)
	)
	for compound in compounds:
		(
			frappe.qb.update(RC)
			.set(RC.building_count, buildings.get(compound, 0))
			.set(RC.dwelling_count, dwellings.get(compound, 0))
			.set(RC.household_count, compound_households.get(compound, 0))
			.where(RC.name == compound)
			.run()
		)


def generate_units_and_dwellings(building: str) -> dict:
	doc = frappe.get_doc("Building", building)
	doc.check_permission("write")
	units, dwellings = create_units_and_dwellings(doc)
	recount_housing([doc.compound])
	frappe.msgprint(_("{0} units and {1} dwellings created.").format(units, dwellings))
	return {"units": units, "dwellings": dwellings}
