"""Shared factories of the integration suite: a jurisdiction tree, users holding a role at a node, and
registry records (compound → building → unit → dwelling, residents, households) with valid citizen
ID numbers. Everything carries a random tag, so tests never share records. Also a copy of the
district profile (tests that apply it take the `clean_site` fixture of tests/frappe_site.py).

Tests that do not commit are cleaned by the rollback after each test (tests/frappe_site.py). Tests
that commit (the importer commits per chunk; the live server needs committed rows) call
``purge_registry(tree)`` and ``purge_tree(tree)`` afterwards.
"""

import datetime
import itertools
import random
import shutil
from pathlib import Path

import frappe
from frappe.query_builder.functions import Count
from xinqu_governance.profile.reader import PROFILE_FOLDERS
from xinqu_governance.registry.citizen_id import make_citizen_id
from xinqu_governance.tests.factories import make_assignment, make_tree, make_user, unique

__all__ = [
	"REPO",
	"citizen_ids",
	"copy_profile",
	"count",
	"make_building",
	"make_compound",
	"make_household",
	"make_jurisdiction_tree",
	"make_resident",
	"make_user_at",
	"purge_registry",
	"purge_tree",
	"unique",
]

PASSWORD = "Xq-test-2015!"
REPO = Path(__file__).resolve().parents[1]


def make_jurisdiction_tree() -> frappe._dict:
	"""city → county → town A (villages A1, A2, one grid each) and town B (village B1, one grid).

	Keys: city, county, town_a, town_b, village_a1, village_a2, village_b1, grid_a1, grid_a2, grid_b1.
	"""
	return make_tree()


def make_user_at(role: str, node: str, *, password: str | None = PASSWORD, prefix: str = "xq-reg") -> str:
	"""A user holding ``role`` at ``node`` through a Jurisdiction Assignment (role + User Permission)."""
	user = make_user(prefix)
	make_assignment(user, role, node)
	if password:
		from frappe.utils.password import update_password

		update_password(user, password)
	return user


_sequence = itertools.count(random.SystemRandom().randrange(1000))


def citizen_ids(
	count: int = 1, *, birth_date: datetime.date | None = None, region: str = "632121"
) -> list[str]:
	"""Fresh valid citizen ID numbers that no resident of the test database has yet."""
	rng = random.SystemRandom()
	numbers = []
	while len(numbers) < count:
		born = birth_date or datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 70))
		number = make_citizen_id(region, born, next(_sequence) % 1000)
		if number not in numbers and not frappe.db.exists("Resident", {"citizen_id": number}):
			numbers.append(number)
	return numbers


def count(doctype: str, **filters) -> int:
	"""Rows of ``doctype`` with the given field values (an aggregate query, no permission checks)."""
	table = frappe.qb.DocType(doctype)
	query = frappe.qb.from_(table).select(Count(table.name))
	for field, value in filters.items():
		query = query.where(table[field] == value)
	return query.run()[0][0]


def make_compound(village: str, name: str | None = None, **fields) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Resettlement Compound",
				"compound_name": name or unique("测试小区"),
				"jurisdiction": village,
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_building(
	compound: str,
	number: str = "1",
	building_type: str = "Multi-storey",
	floors: int = 6,
	units: int = 2,
	per_floor: int = 2,
) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Building",
				"compound": compound,
				"building_number": number,
				"building_type": building_type,
				"floors": floors,
				"unit_count": units,
				"dwellings_per_floor": per_floor,
				"create_units_and_dwellings": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_resident(jurisdiction: str, full_name: str | None = None, citizen_id: str | None = None, **fields):
	return frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": full_name or unique("居民"),
			"citizen_id": citizen_id or citizen_ids()[0],
			"jurisdiction": jurisdiction,
			**fields,
		}
	).insert(ignore_permissions=True)


def make_household(jurisdiction: str, members: int = 3, dwelling: str | None = None, **fields):
	"""A household of ``members`` new residents (the first is the head)."""
	relations = ["Head", "Spouse", "Son", "Daughter", "Parent", "Grandchild"]
	residents = [make_resident(jurisdiction) for _ in range(members)]
	doc = frappe.get_doc(
		{
			"doctype": "Household",
			"jurisdiction": jurisdiction,
			"head": residents[0].name if residents else None,
			"dwelling": dwelling,
			"transition_status": "Allocated" if dwelling else "Awaiting Allocation",
			"members": [
				{"resident": r.name, "relation": relations[min(i, len(relations) - 1)]}
				for i, r in enumerate(residents)
			],
			**fields,
		}
	)
	return doc.insert(ignore_permissions=True)


def _tree_nodes(tree) -> list[str]:
	"""Every node under the tree's city (grids created by tests included), deepest first."""
	lft, rgt = frappe.db.get_value("Jurisdiction", tree.city, ["lft", "rgt"])
	J = frappe.qb.DocType("Jurisdiction")
	return (
		frappe.qb.from_(J)
		.select(J.name)
		.where((J.lft >= lft) & (J.rgt <= rgt))
		.orderby(J.lft, order=frappe.qb.desc)
		.run(pluck=True)
	)


def purge_registry(tree, commit: bool = True) -> None:
	"""Delete every registry record that lies in the tree, with its child rows (set-based)."""
	nodes = _tree_nodes(tree)
	if not nodes:
		return
	C = frappe.qb.DocType("Resettlement Compound")
	compounds = frappe.qb.from_(C).select(C.name).where(C.jurisdiction.isin(nodes)).run(pluck=True)
	parents = {
		"Resident": frappe.get_all("Resident", filters={"jurisdiction": ["in", nodes]}, pluck="name"),
		"Household": frappe.get_all("Household", filters={"jurisdiction": ["in", nodes]}, pluck="name"),
		"Grid Profile": frappe.get_all("Grid Profile", filters={"jurisdiction": ["in", nodes]}, pluck="name"),
		"Organisation": frappe.get_all("Organisation", filters={"jurisdiction": ["in", nodes]}, pluck="name"),
	}
	for child, parenttype in (
		("Resident Special Group", "Resident"),
		("Household Member", "Household"),
		("Grid Profile Worker", "Grid Profile"),
		("Grid Profile Coverage", "Grid Profile"),
		("Organisation Member", "Organisation"),
		("Hukou Conversion Step", "Household"),
	):
		if parents[parenttype]:
			table = frappe.qb.DocType(child)
			frappe.qb.from_(table).delete().where(table.parent.isin(parents[parenttype])).run()
	for doctype in ("Resident", "Household", "Grid Profile", "Organisation", "Facility", "Village Decision"):
		table = frappe.qb.DocType(doctype)
		frappe.qb.from_(table).delete().where(table.jurisdiction.isin(nodes)).run()
	if compounds:
		for doctype in ("Dwelling", "Building Unit", "Building"):
			table = frappe.qb.DocType(doctype)
			frappe.qb.from_(table).delete().where(table.compound.isin(compounds)).run()
		frappe.qb.from_(C).delete().where(C.name.isin(compounds)).run()
	if commit:
		frappe.db.commit()


def purge_tree(tree, users=(), commit: bool = True) -> None:
	"""Delete the users (with their assignments and permissions) and every node of the tree."""
	for user in users:
		for name in frappe.get_all("Jurisdiction Assignment", filters={"user": user}, pluck="name"):
			frappe.delete_doc("Jurisdiction Assignment", name, ignore_permissions=True, force=True)
		for name in frappe.get_all("User Permission", filters={"user": user}, pluck="name"):
			frappe.delete_doc("User Permission", name, ignore_permissions=True, force=True)
		frappe.delete_doc("User", user, ignore_permissions=True, force=True)
	J = frappe.qb.DocType("Jurisdiction")
	nodes = _tree_nodes(tree)
	if nodes:
		frappe.qb.from_(J).delete().where(J.name.isin(nodes)).run()
	if commit:
		frappe.db.commit()


# ------------------------------------------------------------------ the district profile


def copy_profile(target: Path) -> Path:
	"""A copy of the repository's district profile (its folders and patches/) in ``target``."""
	for folder in (*PROFILE_FOLDERS, "patches"):
		if (REPO / folder).exists():
			shutil.copytree(REPO / folder, target / folder)
	return target


def make_facility(jurisdiction, facility_type, **fields):
	"""A Facility of `facility_type` at `jurisdiction` (inserted with the user's permissions)."""
	return frappe.get_doc(
		{
			"doctype": "Facility",
			"facility_name": f"{facility_type}-{frappe.generate_hash(length=6)}",
			"facility_type": facility_type,
			"jurisdiction": jurisdiction,
			**fields,
		}
	).insert()


def make_religious_committee(village: str):
	"""A religious venue management committee (民管会) of one member at `village`."""
	return frappe.get_doc(
		{
			"doctype": "Organisation",
			"organisation_name": "民管会",
			"org_type": "Religious Venue Management Committee",
			"jurisdiction": village,
			"members": [{"member_name": "马主任", "position": "主任", "phone": "13800000000"}],
		}
	).insert()
