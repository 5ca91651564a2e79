"""Jurisdiction scoping of every Registry DocType, through frappe.get_list, frappe.get_doc +
frappe.has_permission, and REST (/api/resource on a live server). Scoping is Frappe's own User
Permissions on Jurisdiction (maintained by Jurisdiction Assignments) via each `jurisdiction` field."""

import json

import frappe
import pytest
import requests

from tests.factories import (
	PASSWORD,
	citizen_ids,
	make_building,
	make_compound,
	make_household,
	make_jurisdiction_tree,
	make_resident,
	make_user_at,
	purge_registry,
	purge_tree,
)
from tests.frappe_site import login

DOCTYPES = (
	"Resettlement Compound",
	"Building",
	"Building Unit",
	"Dwelling",
	"Grid Profile",
	"Household",
	"Resident",
	"Facility",
	"Organisation",
	"Village Decision",
)


@pytest.fixture(scope="module")
def world():
	"""Committed records in villages A1, A2 (town A) and B1 (town B), and in grid A1; four users."""
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	records = {doctype: {} for doctype in DOCTYPES}
	for village in (tree.village_a1, tree.village_a2, tree.village_b1):
		compound = make_compound(village)
		building = make_building(compound, "1", floors=1, units=1, per_floor=1)
		records["Resettlement Compound"][village] = compound
		records["Building"][village] = building
		records["Building Unit"][village] = f"{building}-1"
		records["Dwelling"][village] = f"{building}-1-101"
		records["Resident"][village] = make_resident(village).name
		records["Household"][village] = make_household(village, members=1).name
		records["Facility"][village] = (
			frappe.get_doc(
				{
					"doctype": "Facility",
					"facility_name": f"停车场{village}",
					"facility_type": "Parking",
					"jurisdiction": village,
				}
			)
			.insert()
			.name
		)
		records["Organisation"][village] = (
			frappe.get_doc(
				{
					"doctype": "Organisation",
					"organisation_name": f"志愿者{village}",
					"org_type": "Volunteer Team",
					"jurisdiction": village,
				}
			)
			.insert()
			.name
		)
		records["Village Decision"][village] = (
			frappe.get_doc(
				{
					"doctype": "Village Decision",
					"matter": f"修建文化广场{village}",
					"meeting_date": frappe.utils.today(),
					"jurisdiction": village,
				}
			)
			.insert()
			.name
		)
	for grid in (tree.grid_a1, tree.grid_a2, tree.grid_b1):
		records["Grid Profile"][grid] = (
			frappe.get_doc({"doctype": "Grid Profile", "jurisdiction": grid}).insert().name
		)
	records["Household"][tree.grid_a1] = make_household(tree.grid_a1, members=2).name
	records["Resident"][tree.grid_a1] = make_resident(tree.grid_a1).name
	users = frappe._dict(
		village=make_user_at("Village Staff", tree.village_a1),
		town=make_user_at("Town Officer", tree.town_a),
		grid=make_user_at("Grid Worker", tree.grid_a1),
		county=make_user_at("County Officer", tree.county),
	)
	frappe.db.commit()
	yield frappe._dict(tree=tree, records=records, users=users)
	frappe.set_user("Administrator")
	frappe.db.rollback()
	purge_registry(tree)
	purge_tree(tree, users=list(users.values()))


def under(world, nodes):
	"""Names of the test records lying in ``nodes`` (grids count for their village)."""
	t = world.tree
	parent = {t.grid_a1: t.village_a1, t.grid_a2: t.village_a2, t.grid_b1: t.village_b1}
	return {
		doctype: {name for node, name in by_node.items() if node in nodes or parent.get(node) in nodes}
		for doctype, by_node in world.records.items()
	}


def expected(world, who):
	t = world.tree
	if who == "village":
		return under(world, {t.village_a1})
	if who == "town":
		return under(world, {t.village_a1, t.village_a2})
	if who == "county":
		return under(world, {t.village_a1, t.village_a2, t.village_b1})
	if who == "grid":
		return {d: {n for node, n in world.records[d].items() if node == t.grid_a1} for d in DOCTYPES}


def all_names(world, doctype):
	return set(world.records[doctype].values())


@pytest.mark.parametrize("who", ["village", "town", "county", "grid"])
@pytest.mark.parametrize("doctype", DOCTYPES)
def test_get_list_and_get_doc_are_scoped(world, who, doctype):
	visible = expected(world, who)[doctype]
	user = world.users[who]
	readable = frappe.get_all(
		"DocPerm", filters={"parent": doctype, "role": ["in", frappe.get_roles(user)], "read": 1}
	)
	frappe.set_user(user)
	listed = set(frappe.get_list(doctype, pluck="name", limit_page_length=0)) & all_names(world, doctype)
	if not readable:
		assert listed == set()
		return
	assert listed == visible
	for name in all_names(world, doctype):
		doc = frappe.get_doc(doctype, name)
		assert frappe.has_permission(doctype, "read", doc=doc) is (name in visible), (doctype, name)


def test_town_user_sees_every_village_of_the_town_but_not_the_other_town(world):
	t = world.tree
	frappe.set_user(world.users.town)
	residents = set(
		frappe.get_list(
			"Resident", filters={"jurisdiction": ["descendants of (inclusive)", t.town_a]}, pluck="name"
		)
	)
	assert world.records["Resident"][t.village_a2] in residents
	assert world.records["Resident"][t.village_b1] not in set(
		frappe.get_list("Resident", pluck="name", limit_page_length=0)
	)


def test_grid_worker_creates_and_changes_households_in_their_grid_only(world):
	t = world.tree
	frappe.set_user(world.users.grid)
	own = frappe.get_doc("Household", world.records["Household"][t.grid_a1])
	assert frappe.has_permission("Household", "write", doc=own)
	resident = frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": "新居民",
			"citizen_id": citizen_ids()[0],
			"jurisdiction": t.grid_a1,
		}
	).insert()
	assert resident.grid == t.grid_a1
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": "Resident",
				"full_name": "越界",
				"citizen_id": citizen_ids()[0],
				"jurisdiction": t.grid_a2,
			}
		).insert()
	other = frappe.get_doc("Household", world.records["Household"][t.village_a1])
	assert not frappe.has_permission("Household", "write", doc=other)
	assert not frappe.has_permission("Household", "delete", doc=own)


def test_county_officer_reads_but_does_not_write(world):
	t = world.tree
	frappe.set_user(world.users.county)
	doc = frappe.get_doc("Resident", world.records["Resident"][t.village_b1])
	assert frappe.has_permission("Resident", "read", doc=doc)
	assert not frappe.has_permission("Resident", "write", doc=doc)
	assert not frappe.has_permission("Resident", "create")


def test_grid_coverage_report_is_scoped(world):
	from xinqu_governance.registry.report.grid_coverage.grid_coverage import execute

	t = world.tree
	frappe.set_user(world.users.village)
	_columns, rows = execute({})
	grids = {r["jurisdiction"] for r in rows if r["jurisdiction"] in world.records["Grid Profile"]}
	assert grids == {t.grid_a1}


def session(live_server, user):
	return login(live_server, user, PASSWORD)  # sends the session's CSRF token, as the desk does


@pytest.mark.parametrize("who", ["village", "town", "grid"])
def test_rest_lists_and_reads_are_scoped(world, live_server, who):
	s = session(live_server, world.users[who])
	for doctype in ("Household", "Resident", "Facility", "Dwelling", "Grid Profile", "Village Decision"):
		visible = expected(world, who)[doctype]
		r = s.get(
			f"{live_server}/api/resource/{doctype}",
			params={"fields": json.dumps(["name"]), "limit_page_length": 0},
			timeout=30,
		)
		if not visible and r.status_code == 403:
			continue
		assert r.ok, (doctype, r.status_code, r.text[:300])
		listed = {row["name"] for row in r.json()["data"]} & all_names(world, doctype)
		assert listed == visible, doctype
		for name in all_names(world, doctype):
			r = s.get(f"{live_server}/api/resource/{doctype}/{requests.utils.quote(name)}", timeout=30)
			assert (r.status_code == 200) is (name in visible), (doctype, name, r.status_code)


def test_rest_create_outside_the_users_village_is_refused(world, live_server):
	t = world.tree
	s = session(live_server, world.users.village)
	number_in, number_out = citizen_ids(2)
	r = s.post(
		f"{live_server}/api/resource/Resident",
		json={"full_name": "越界居民", "citizen_id": number_out, "jurisdiction": t.village_b1},
		timeout=30,
	)
	assert r.status_code == 403, r.text[:300]
	r = s.post(
		f"{live_server}/api/resource/Resident",
		json={"full_name": "本村居民", "citizen_id": number_in.lower(), "jurisdiction": t.village_a1},
		timeout=30,
	)
	assert r.ok, r.text[:500]
	data = r.json()["data"]
	assert data["citizen_id"] == number_in.upper() and data["sex"] in ("Male", "Female")
	# a second record of the same person is refused, naming the town only
	r = s.post(
		f"{live_server}/api/resource/Resident",
		json={"full_name": "重复", "citizen_id": number_in, "jurisdiction": t.village_a1},
		timeout=30,
	)
	assert r.status_code == 417, r.text[:300]
	assert t.town_a in r.text


def test_a_derived_jurisdiction_cannot_leave_the_users_nodes(world):
	"""Frappe checks `create` before validate derives the jurisdiction: the controllers check again."""
	t = world.tree
	free_dwelling = world.records["Dwelling"][t.village_b1]
	frappe.set_user(world.users.grid)
	head = frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": "户主",
			"citizen_id": citizen_ids()[0],
			"jurisdiction": t.grid_a1,
		}
	).insert()
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc({"doctype": "Household", "head": head.name, "dwelling": free_dwelling}).insert()
	# a household link typed by the client is ignored: only the member table sets it
	other = frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": "越界",
			"citizen_id": citizen_ids()[0],
			"jurisdiction": t.grid_a1,
			"household": world.records["Household"][t.village_b1],
		}
	).insert()
	assert other.household is None and other.jurisdiction == t.grid_a1
