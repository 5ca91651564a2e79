"""The client scripts of the registry and configuration forms, in Chromium, as the user who would use
each: a town officer moves a building into a grid, creates its missing units and recounts the grid; a
governance administrator has grids proposed for a compound and created, sees a facility's shortfall
as the form's headline, and picks jurisdictions, roles, units and case types from Link dropdowns that
offer only what the form allows (the scripts' `set_query`) and clear what no longer fits.

One logged-in tab per user serves the whole module (the desk is a single page). The scripts are the
DocTypes' own `building.js`, `grid_profile.js`, `resettlement_compound.js`, `facility.js`,
`jurisdiction_assignment.js` and `routing_rule.js`.
"""

import frappe
import pytest
from xinqu_governance.cases.case_types import case_doctypes
from xinqu_governance.registry.grids import propose_grids

from tests.case_factories import make_unit
from tests.desk import DESKTOP, desk_as, zh
from tests.factories import (
	PASSWORD,
	count,
	make_building,
	make_compound,
	make_household,
	make_jurisdiction_tree,
	make_user_at,
	purge_registry,
	purge_tree,
	unique,
)


@pytest.fixture(scope="module")
def place():
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	tree.tag = tree.city[len("测试市") :]
	tree.officer = make_user_at("Town Officer", tree.town_a, prefix="xq-script-town")
	tree.admin = make_user_at("Governance Administrator", tree.city, prefix="xq-script-adm")
	tree.grid_worker = make_user_at("Grid Worker", tree.grid_a1, prefix="xq-script-grid")
	tree.compound = make_compound(tree.village_a1)
	tree.building = frappe.get_doc(
		{
			"doctype": "Building",
			"compound": tree.compound,
			"building_number": "3",
			"building_type": "Multi-storey",
			"floors": 2,
			"unit_count": 2,
			"dwellings_per_floor": 2,
			"create_units_and_dwellings": 0,
		}
	).insert(ignore_permissions=True).name
	frappe.get_doc({"doctype": "Grid Profile", "jurisdiction": tree.grid_a1}).insert(ignore_permissions=True)
	# a compound whose units no grid covers yet, for the grid proposal
	tree.new_compound = make_compound(tree.village_a2)
	make_building(tree.new_compound, number="1", floors=6, units=2, per_floor=2)
	make_building(tree.new_compound, number="2", floors=6, units=2, per_floor=2)
	tree.units = {
		level: make_unit(level, node, unit_name=unique(f"{tree.tag}{level}单位"))
		for level, node in (("Village", tree.village_a1), ("Town", tree.town_a))
	}
	frappe.db.commit()
	yield tree
	frappe.db.rollback()
	for name in frappe.get_all("Jurisdiction Assignment", filters={"jurisdiction": ["like", f"%{tree.tag}%"]}, pluck="name"):
		frappe.delete_doc("Jurisdiction Assignment", name, force=True, ignore_permissions=True)
	for name in frappe.get_all("Routing Rule", filters={"territory": tree.town_a}, pluck="name"):
		frappe.delete_doc("Routing Rule", name, force=True, ignore_permissions=True)
	for name in tree.units.values():
		frappe.delete_doc("Handling Unit", name, force=True, ignore_permissions=True)
	purge_registry(tree)
	purge_tree(tree, users=[tree.officer, tree.admin, tree.grid_worker])


@pytest.fixture(scope="module")
def officer(place, chromium, live_server):
	desk = desk_as(chromium, live_server, place.officer, PASSWORD, DESKTOP)
	yield desk
	desk.page.context.close()


@pytest.fixture(scope="module")
def admin(place, chromium, live_server):
	desk = desk_as(chromium, live_server, place.admin, PASSWORD, DESKTOP)
	yield desk
	desk.page.context.close()


def button(desk, label: str):
	return desk.page.get_by_role("button", name=zh(label), exact=True)


def dialog_text(desk) -> str:
	desk.page.wait_for_selector(".modal.show .modal-body")
	desk.wait_idle()
	return desk.page.locator(".modal.show").last.inner_text()


def close_dialog(desk) -> None:
	desk.page.locator(".modal.show .btn-modal-close").last.click()
	desk.page.wait_for_function("() => !document.querySelector('.modal.show')")


def shown(desk, value: str) -> str:
	"""How a Link dropdown labels `value`: translated where the desk translates the linked DocType."""
	return desk.page.evaluate("(v) => __(v)", value)


def clean(desk) -> None:
	problems = desk.take_problems()
	assert problems == [], "\n".join(problems)


def fresh():
	frappe.db.rollback()  # see what the live server committed


# --- building.js and grid_profile.js, as the town officer ------------------------------------------------


def test_create_missing_units_and_dwellings_says_what_it_made(place, officer):
	officer.open_form("Building", place.building)
	button(officer, "Create Missing Units and Dwellings").click()
	text = dialog_text(officer)
	assert zh("{0} units and {1} dwellings created.").format(2, 8) in text  # 2 units × 2 floors × 2 per floor
	close_dialog(officer)
	clean(officer)
	fresh()
	assert count("Building Unit", building=place.building) == 2
	assert count("Dwelling", building=place.building) == 8


def test_move_to_grid_puts_the_building_in_the_grid_profile(place, officer):
	officer.open_form("Building", place.building)
	button(officer, "Move to Grid").click()
	assert zh("Move Building to Grid") in dialog_text(officer)
	officer.choose_link("grid", place.grid_a1, within=".modal.show")
	officer.page.locator(".modal.show .btn-primary").click()
	officer.page.wait_for_function("() => !document.querySelector('.modal.show')")
	officer.wait_idle()
	clean(officer)
	fresh()
	assert set(frappe.get_all("Building Unit", filters={"building": place.building}, pluck="grid")) == {place.grid_a1}
	officer.open_form("Grid Profile", place.grid_a1)
	coverage = officer.page.locator(".form-layout [data-fieldname='coverage'] .grid-body")
	assert place.building in coverage.inner_text()
	clean(officer)


def test_recount_shows_the_grids_true_household_count(place, officer):
	household = make_household(place.grid_a1, members=1)
	frappe.db.set_value("Grid Profile", place.grid_a1, "household_count", 99)  # a stale count
	frappe.db.commit()
	officer.open_form("Grid Profile", place.grid_a1)
	officer.reload()  # the tab had the grid open already
	officer.page.wait_for_function("(dn) => window.cur_frm && cur_frm.docname === dn", arg=place.grid_a1)
	shown_count = "() => cur_frm.get_field('household_count').$wrapper.find('.control-value').text().trim()"
	assert officer.page.evaluate(shown_count) == "99"
	button(officer, "Recount").click()
	true_count = count("Household", grid=place.grid_a1)
	assert true_count > 0 and household.name
	officer.page.wait_for_function(f"(n) => ({shown_count})() === String(n)", arg=true_count)
	clean(officer)


def test_grid_profile_offers_only_the_grids_of_the_officers_town(place, officer):
	officer.open_new("Grid Profile")
	options = officer.link_options("jurisdiction", place.tag, expect=place.grid_a1)
	assert set(options) == {place.grid_a1, place.grid_a2}  # not the villages, not town B's grid
	officer.page.keyboard.press("Escape")
	clean(officer)


# --- tree_scope.bundle.js: the node of residents, households and cases (governance/tree_scope.py)


def test_a_new_resident_offers_only_the_nodes_of_the_officers_town(place, officer):
	"""The field is scoped on the tree on the server; the form searches it within the User Permissions."""
	officer.open_new("Resident")
	options = officer.link_options("jurisdiction", place.tag, expect=place.village_a1)
	assert set(options) == {place.town_a, place.village_a1, place.village_a2, place.grid_a1, place.grid_a2}
	officer.page.keyboard.press("Escape")
	clean(officer)


def test_the_residents_list_filter_offers_only_the_nodes_of_the_officers_town(place, officer):
	"""The list's standard filter on the node searches within the User Permissions as the form does."""
	officer.open_list("Resident")
	options = officer.link_options("jurisdiction", place.tag, expect=place.village_a1, within=".page-container:visible .page-form")
	assert set(options) == {place.town_a, place.village_a1, place.village_a2, place.grid_a1, place.grid_a2}
	officer.page.keyboard.press("Escape")
	# "Add a filter" makes its control from the DocType's field: the same nodes
	officer.page.evaluate(
		"""() => {
			const list = cur_list.filter_area.filter_list;
			list.filter_button.click();
			return list.add_filter("Resident", "jurisdiction", "=", "");
		}"""
	)
	options = officer.link_options("jurisdiction", place.tag, expect=place.village_a1, within=".filter-popover:visible")
	assert set(options) == {place.town_a, place.village_a1, place.village_a2, place.grid_a1, place.grid_a2}
	officer.page.keyboard.press("Escape")
	clean(officer)


def test_a_grid_workers_new_event_and_household_are_preset_to_his_grid(place, chromium, live_server):
	desk = desk_as(chromium, live_server, place.grid_worker, PASSWORD, DESKTOP)
	try:
		for doctype in ("Grid Event", "Household"):
			desk.open_new(doctype)
			desk.page.wait_for_function(
				"([doctype, node]) => window.cur_frm && cur_frm.doctype === doctype && cur_frm.doc.jurisdiction === node",
				arg=[doctype, place.grid_a1],
			)
		clean(desk)
	finally:
		desk.page.context.close()


# --- resettlement_compound.js, facility.js, jurisdiction_assignment.js, routing_rule.js: the administrator


def test_propose_grids_shows_the_proposal_and_creates_the_grids(place, admin):
	proposal = propose_grids(place.new_compound)
	assert proposal["grids"], "the compound's units are all free"
	admin.open_form("Resettlement Compound", place.new_compound)
	button(admin, "Propose Grids").click()
	text = dialog_text(admin)
	assert zh("Proposed Grids") in text
	assert zh("Target {0} households per grid, band {1} to {2} (counting {3}).").split("{0}")[0] in text
	rows = admin.page.locator(".modal.show tbody tr")
	assert rows.count() == len(proposal["grids"])
	assert rows.first.locator("td").nth(1).inner_text().strip() == proposal["grids"][0]["building_number"]
	admin.page.locator(".modal.show .btn-primary", has_text=zh("Create Grids")).click()
	admin.page.wait_for_selector(".alert-message, .desk-alert", state="attached")
	alert = admin.page.locator(".desk-alert, .alert-message").last.inner_text()
	assert zh("{0} grids created.").format(len(proposal["grids"])) in alert
	admin.wait_idle()
	clean(admin)
	fresh()
	assert count("Grid Profile", compound=place.new_compound) == len(proposal["grids"])
	# proposed again, nothing is left to divide
	button(admin, "Propose Grids").click()
	assert zh("Every unit of this compound is already in a grid.") in dialog_text(admin)
	close_dialog(admin)
	clean(admin)


def test_a_facility_below_standard_heads_its_form_with_the_notes(place, admin):
	frappe.local.lang = "zh"  # registered by a user of the Chinese desk: the notes are in Chinese
	try:
		facility = frappe.get_doc(
			{
				"doctype": "Facility",
				"facility_name": unique("测试清真寺"),
				"facility_type": "Religious Venue",
				"religion": "Islam",
				"jurisdiction": place.village_a1,
			}
		).insert(ignore_permissions=True)
	finally:
		frappe.local.lang = "en"
	frappe.db.commit()
	lines = facility.standard_notes.split("\n")
	assert facility.meets_standard == 0 and zh("The religious venue has no management committee.") in lines
	assert len(lines) == 2  # no committee, no annual report
	admin.open_form("Facility", facility.name)
	headline = admin.page.locator(".page-container:visible .form-message").first
	assert headline.inner_text().strip().split("\n") == lines  # one line each
	clean(admin)


def test_a_facility_offers_counties_and_management_committees_only(place, admin):
	committees = {
		kind: frappe.get_doc(
			{"doctype": "Organisation", "organisation_name": unique(f"{place.tag}{kind[:4]}"), "org_type": kind, "jurisdiction": place.village_a1}
		).insert(ignore_permissions=True).organisation_name
		for kind in ("Religious Venue Management Committee", "Village Committee")
	}
	frappe.db.commit()
	admin.open_new("Facility")
	admin.select("facility_type", "School")  # a school's section names the county that manages it
	assert admin.link_options("managing_county", place.tag, expect=place.county) == [place.county]
	admin.select("facility_type", "Religious Venue")
	committee = committees["Religious Venue Management Committee"]
	assert admin.link_options("management_committee", place.tag, expect=committee) == [committee]
	admin.page.keyboard.press("Escape")
	clean(admin)


def test_a_jurisdiction_assignment_offers_what_the_role_allows_and_clears_what_no_longer_fits(place, admin):
	governance = ("Grid Worker", "Village Staff", "Town Officer", "County Officer", "City Supervisor", "Governance Administrator")
	admin.open_new("Jurisdiction Assignment")
	# Role is one of Frappe's translated-search DocTypes: the search matches what the user reads
	roles = admin.link_options("role", "员", expect=shown(admin, "Grid Worker"))
	assert set(roles) == {shown(admin, r) for r in governance if "员" in shown(admin, r)}  # not System Manager
	admin.choose_link("role", shown(admin, "Village Staff"))  # typed as the user reads it
	assert admin.page.evaluate("() => cur_frm.doc.role") == "Village Staff"
	villages = admin.link_options("jurisdiction", place.tag, expect=place.village_a1)
	assert set(villages) == {place.village_a1, place.village_a2, place.village_b1}
	admin.choose_link("jurisdiction", place.village_a1)
	admin.page.wait_for_function("() => cur_frm.doc.jurisdiction_level === 'Village'")
	# a town role does not fit a village: the village is cleared, and towns are offered
	admin.choose_link("role", shown(admin, "Town Officer"))
	admin.page.wait_for_function("() => cur_frm.doc.role === 'Town Officer' && !cur_frm.doc.jurisdiction")
	assert admin.field("jurisdiction").input_value() == ""
	assert set(admin.link_options("jurisdiction", place.tag, expect=place.town_a)) == {place.town_a, place.town_b}
	admin.page.keyboard.press("Escape")
	# a start after the end: the end is cleared
	admin.type_into("valid_to", frappe.utils.formatdate("2026-12-10"))
	admin.page.wait_for_function("() => cur_frm.doc.valid_to === '2026-12-10'")
	admin.type_into("valid_from", frappe.utils.formatdate("2026-12-20"))
	admin.page.wait_for_function("() => cur_frm.doc.valid_from === '2026-12-20' && !cur_frm.doc.valid_to")
	assert admin.field("valid_to").input_value() == ""
	clean(admin)


def test_a_routing_rule_offers_case_types_and_the_units_of_its_level(place, admin):
	admin.open_new("Routing Rule")
	case_types = admin.link_options("case_doctype", "e", expect=shown(admin, "Dispute"))
	assert set(case_types) == {shown(admin, dt) for dt in case_doctypes() if "e" in dt.lower()}
	admin.page.keyboard.press("Escape")
	admin.select("handling_level", "Town")
	assert admin.link_options("lead_unit", place.tag, expect=place.units["Town"]) == [place.units["Town"]]
	admin.page.keyboard.press("Escape")
	admin.select("handling_level", "Village")
	assert admin.link_options("lead_unit", place.tag, expect=place.units["Village"]) == [place.units["Village"]]
	admin.page.keyboard.press("Escape")
	clean(admin)
