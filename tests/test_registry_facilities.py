"""Facilities and organisations: the standards of the 2015 guidance as recorded shortfalls."""

import frappe
import pytest
from frappe.utils import add_days, today
from xinqu_governance.registry.doctype.facility.facility import (
	communities_below_shop_minimum,
	count_convenience_shops,
)

from tests.factories import make_facility as facility, make_religious_committee, make_jurisdiction_tree


@pytest.fixture
def tree():
	return make_jurisdiction_tree()


@pytest.mark.parametrize(
	"facility_type, below, enough",
	[
		("Town Service Centre", 999, 1000),  # §10: 乡镇不少于1000平方米
		("Village Service Station", 499, 500),  # §10: 每个村不少于500平方米
		("Service Hall", 299, 300),  # §27(1): 300平方米的便民服务大厅
	],
)
def test_floor_area_minima(tree, facility_type, below, enough):
	short = facility(tree.town_a, facility_type, floor_area=below)
	assert not short.meets_standard
	assert str(enough) in short.standard_notes
	assert facility(tree.town_a, facility_type, floor_area=enough).meets_standard


def test_floor_area_is_mandatory_for_service_centres(tree):
	with pytest.raises(frappe.ValidationError):
		facility(tree.town_a, "Town Service Centre")


@pytest.mark.parametrize(
	"level, students, teachers, ok",
	[
		("Primary", 400, 20, True),  # 1:20 exactly
		("Primary", 401, 20, False),  # needs 21
		("Junior Secondary", 300, 20, True),  # 1:15 exactly
		("Junior Secondary", 300, 19, False),
	],
)
def test_school_teacher_ratio(tree, level, students, teachers, ok):
	school = facility(tree.town_a, "School", school_level=level, students=students, teachers=teachers)
	assert bool(school.meets_standard) is ok


def test_hospital_beds(tree):
	assert not facility(tree.town_a, "Clinic/Hospital", clinic_level="Hospital", beds=200).meets_standard
	assert facility(tree.town_a, "Clinic/Hospital", clinic_level="Hospital", beds=300).meets_standard
	assert not facility(
		tree.town_a, "Clinic/Hospital", clinic_level="Community Health Centre", beds=39
	).meets_standard
	assert facility(
		tree.town_a, "Clinic/Hospital", clinic_level="Community Health Centre", beds=40
	).meets_standard


def test_religious_venue_needs_committee_and_recent_annual_report(tree):
	venue = facility(tree.village_a1, "Religious Venue", religion="Islam")
	assert not venue.meets_standard
	assert "management committee" in venue.standard_notes
	committee = make_religious_committee(tree.village_a1)
	assert committee.member_count == 1
	venue.management_committee = committee.name
	venue.last_annual_report_date = add_days(today(), -400)
	venue.save()
	assert not venue.meets_standard and "more than a year" in venue.standard_notes
	venue.last_annual_report_date = add_days(today(), -30)
	venue.save()
	assert venue.meets_standard


def test_convenience_shops_per_community(tree):
	for _ in range(2):
		facility(tree.village_a1, "Convenience Shop")
	facility(tree.grid_a2, "Convenience Shop")  # a grid's shop counts for its village
	for _ in range(3):
		facility(tree.grid_a2, "Convenience Shop")
	facility(tree.village_a1, "Convenience Shop", status="Closed")
	counts = count_convenience_shops([tree.village_a1, tree.village_a2, tree.village_b1])
	assert counts == {tree.village_a1: 2, tree.village_a2: 4}
	below = {row["village"]: row["convenience_shops"] for row in communities_below_shop_minimum(tree.town_a)}
	assert below == {tree.village_a1: 2}
	below_all = {row["village"] for row in communities_below_shop_minimum()}
	assert {tree.village_a1, tree.village_b1} <= below_all and tree.village_a2 not in below_all


def test_negative_numbers_are_refused(tree):
	with pytest.raises(frappe.ValidationError):
		facility(tree.town_a, "Parking", parking_spaces=-1)


def test_organisation_types_and_members(tree):
	members = [{"member_name": "张书记", "position": "书记"}, {"member_name": "张书记", "position": "主任"}]
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc(
			{
				"doctype": "Organisation",
				"organisation_name": "党支部",
				"org_type": "Party Branch",
				"jurisdiction": tree.village_a1,
				"members": members,
			}
		).insert()
	options = frappe.get_meta("Organisation").get_field("org_type").options.split("\n")
	assert {
		"Party Branch",
		"Village Committee",
		"Service Station",
		"Property Company",
		"Volunteer Team",
		"Cultural Group",
		"Mediation Committee",
	} <= set(options)
