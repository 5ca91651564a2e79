"""The housing tree and its grids: the Building and Resettlement Compound forms' buttons."""

import frappe

from xinqu_governance.registry import grids, housing


@frappe.whitelist(methods=["POST"])
def generate_units_and_dwellings(building: str) -> dict:
	return housing.generate_units_and_dwellings(building)


@frappe.whitelist()
def get_grid_proposal(compound: str) -> dict:
	return grids.get_grid_proposal(compound)


@frappe.whitelist(methods=["POST"])
def create_proposed_grids(compound: str) -> list[str]:
	return grids.create_proposed_grids(compound)


@frappe.whitelist(methods=["POST"])
def move_building(building: str, grid: str) -> list[str]:
	return grids.move_building(building, grid)
