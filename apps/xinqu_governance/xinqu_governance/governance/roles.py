"""The six governance roles. Each is held *at* a jurisdiction node through a Jurisdiction Assignment."""

import frappe

GRID_WORKER = "Grid Worker"
VILLAGE_STAFF = "Village Staff"
TOWN_OFFICER = "Town Officer"
COUNTY_OFFICER = "County Officer"
CITY_SUPERVISOR = "City Supervisor"
GOVERNANCE_ADMINISTRATOR = "Governance Administrator"

GOVERNANCE_ROLES = (
	GRID_WORKER,
	VILLAGE_STAFF,
	TOWN_OFFICER,
	COUNTY_OFFICER,
	CITY_SUPERVISOR,
	GOVERNANCE_ADMINISTRATOR,
)

# Jurisdiction levels at which each role may be held (None: any level).
LEVELS_BY_ROLE = {
	GRID_WORKER: ("Grid", "Village"),
	VILLAGE_STAFF: ("Village",),
	TOWN_OFFICER: ("Town",),
	COUNTY_OFFICER: ("County",),
	CITY_SUPERVISOR: ("City",),
	GOVERNANCE_ADMINISTRATOR: None,
}


def ensure_roles():
	"""Create the governance roles that do not exist yet (desk access on); existing ones are left alone."""
	existing = set(frappe.get_all("Role", filters={"name": ("in", GOVERNANCE_ROLES)}, pluck="name"))
	for role_name in GOVERNANCE_ROLES:
		if role_name in existing:
			continue
		role = frappe.new_doc("Role")
		role.role_name = role_name
		role.desk_access = 1
		role.insert(ignore_permissions=True)
