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
	tree.household = make_household(tree.grid_a1, members=3).name
	frappe.db.commit()
	yield tree
	frappe.db.rollback()
	purge_tree(tree, users=[tree.staff])


def type_into(desk, fieldname: str, text: str) -> None:
	control = desk.page.locator(f".frappe-control[data-fieldname='{fieldname}'] input:visible, "
		f".monoframe-control[data-fieldname='{fieldname}'] input:visible").first
	control.fill(text)
	control.press("Tab")
	desk.wait_idle()


def test_the_id_number_gives_birth_date_and_sex_as_it_is_typed(village, chromium, live_server):
	(number,) = citizen_ids(birth_date=datetime.date(1986, 5, 17))
	parsed = cid.parse(number)
	desk = desk_as(chromium, live_server, village.staff, PASSWORD, PHONE)
	try:
		desk.open_new("Resident")
		type_into(desk, "citizen_id", number.lower())
		desk.page.wait_for_function("() => cur_frm.doc.birth_date === '1986-05-17'")
		assert desk.page.evaluate("() => [cur_frm.doc.citizen_id, cur_frm.doc.sex]") == [number, parsed.sex]
		wrong = number[:17] + ("0" if number[17] != "0" else "1")
		type_into(desk, "citizen_id", wrong)
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
