"""The registry forms' client scripts in the desk, in Chromium: a Resident's birth date and sex follow
the ID number as it is typed (and a wrong number says why), and a Household shows its members in
one place, on a phone."""

import datetime

import frappe
import pytest
from xinqu_governance.registry import citizen_id as cid

from tests.case_factories import case_profile  # noqa: F401
from tests.desk import PHONE, desk_as
from tests.factories import PASSWORD, citizen_ids, make_household, make_jurisdiction_tree, make_user_at, purge_tree


@pytest.fixture(scope="module")
def village(case_profile):  # noqa: F811
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	tree.staff = make_user_at("Village Staff", tree.village_a1, prefix="xq-regform")
	tree.worker = make_user_at("Grid Worker", tree.grid_a1, prefix="xq-regform-grid")
	tree.household = make_household(tree.grid_a1, members=3).name
	frappe.db.commit()
	yield tree
	frappe.db.rollback()
	purge_tree(tree, users=[tree.staff, tree.worker])


def test_the_id_number_gives_birth_date_and_sex_as_it_is_typed(village, chromium, live_server):
	(number,) = citizen_ids(birth_date=datetime.date(1986, 5, 17))
	parsed = cid.parse(number)
	desk = desk_as(chromium, live_server, village.staff, PASSWORD, PHONE)
	try:
		desk.open_new("Resident")
		desk.type_into("citizen_id", number.lower())
		desk.page.wait_for_function("() => cur_frm.doc.birth_date === '1986-05-17'")
		assert desk.page.evaluate("() => [cur_frm.doc.citizen_id, cur_frm.doc.sex]") == [number, parsed.sex]
		wrong = number[:17] + ("0" if number[17] != "0" else "1")
		desk.type_into("citizen_id", wrong)
		desk.page.wait_for_function(
			"() => (cur_frm.get_field('citizen_id').$wrapper.find('.help-box').text() || '').length > 0"
		)
		assert "校验" in desk.page.evaluate("() => cur_frm.get_field('citizen_id').$wrapper.find('.help-box').text()")
		problems = desk.take_problems()
		assert problems == [], "\n".join(problems)
	finally:
		desk.page.context.close()


def test_a_household_shows_its_members_in_one_place_on_a_phone(village, chromium, live_server):
	desk = desk_as(chromium, live_server, village.staff, PASSWORD, PHONE)
	try:
		desk.open_form("Household", village.household)
		rows = desk.page.locator("[data-fieldname='members'] .grid-body .grid-row")
		assert rows.count() == 3
		problems = desk.take_problems()
		assert problems == [], "\n".join(problems)
	finally:
		desk.page.context.close()




def test_a_grid_worker_registers_a_household_of_three_on_a_phone(village, chromium, live_server):
	worker = village.worker
	people = list(zip(("马明", "马兰", "马小军"), citizen_ids(3), ("Head", "Spouse", "Son"), strict=True))
	desk = desk_as(chromium, live_server, worker, PASSWORD, PHONE)
	residents = []
	try:
		for full_name, number, _relation in people:
			desk.open_new("Resident")
			desk.type_into("full_name", full_name)
			desk.type_into("citizen_id", number)
			desk.page.wait_for_function("() => !!cur_frm.doc.birth_date")
			desk.page.evaluate("(grid) => cur_frm.set_value('jurisdiction', grid)", village.grid_a1)
			desk.save()
			residents.append(desk.page.evaluate("() => cur_frm.doc.name"))
		desk.open_new("Household")
		desk.page.evaluate(
			"""([grid, members]) => {
				cur_frm.set_value('jurisdiction', grid);
				for (const [resident, relation] of members) {
					const row = cur_frm.add_child('members');
					frappe.model.set_value(row.doctype, row.name, 'resident', resident);
					frappe.model.set_value(row.doctype, row.name, 'relation', relation);
				}
			}""",
			[village.grid_a1, [[r, p[2]] for r, p in zip(residents, people, strict=True)]],
		)
		desk.save()
		household = desk.page.evaluate("() => cur_frm.doc.name")
		assert desk.page.locator("[data-fieldname='members'] .grid-body .grid-row").count() == 3
		problems = desk.take_problems()
		assert problems == [], "\n".join(problems)
	finally:
		desk.page.context.close()
	frappe.db.rollback()
	doc = frappe.get_doc("Household", household)
	assert (doc.owner, doc.jurisdiction) == (worker, village.grid_a1)
	assert sorted(row.resident for row in doc.members) == sorted(residents)
	assert [frappe.db.get_value("Resident", r, "full_name") for r in residents] == [p[0] for p in people]
	frappe.delete_doc("Household", household, force=True, ignore_permissions=True)
	for resident in residents:
		frappe.delete_doc("Resident", resident, force=True, ignore_permissions=True)
	frappe.db.commit()
