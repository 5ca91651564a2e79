"""The numbers of the text live in Governance Settings: changing a setting changes the rule, and a
setting that cannot be a rule is refused with a translated error (nothing saved)."""

import frappe
import pytest
from xinqu_governance.registry.grids import propose_grids
from xinqu_governance.registry.utils import get_household_band

from tests.case_factories import case_profile, make_case, new_tree  # noqa: F401 (fixture)
from tests.desk import DESKTOP, desk_as, zh
from tests.factories import (
	make_facility as facility,
	make_religious_committee,
	PASSWORD,
	make_building,
	make_compound,
	make_jurisdiction_tree,
	make_user_at,
	purge_tree,
)

SETTINGS = "Governance Settings"


@pytest.fixture
def settings():
	"""`settings(field=value, …)` saves Governance Settings; the values are put back afterwards."""
	changed = {}
	original = frappe.get_doc(SETTINGS)

	def remember(*fieldnames):
		for fieldname in fieldnames:
			changed.setdefault(fieldname, original.get(fieldname))

	def change(**values):
		remember(*values)
		doc = frappe.get_doc(SETTINGS)
		doc.update(values)
		doc.save()
		return doc

	change.remember = remember  # for fields another process (the desk) changes
	yield change
	frappe.db.rollback()
	frappe.clear_document_cache(SETTINGS, SETTINGS)
	doc = frappe.get_doc(SETTINGS)
	if any(doc.get(fieldname) != value for fieldname, value in changed.items()):
		doc.update(changed)
		doc.save()
		frappe.db.commit()
	frappe.clear_document_cache(SETTINGS, SETTINGS)


@pytest.fixture
def tree(case_profile):  # noqa: F811
	return new_tree()


def test_the_shipped_settings_are_the_numbers_of_the_text():
	doc = frappe.get_doc(SETTINGS)
	assert (doc.group_petition_people, doc.skip_level_gap) == (5, 2)
	assert (doc.people_band_first_bound, doc.people_band_second_bound, doc.people_band_third_bound) == (
		50,
		100,
		500,
	)
	assert doc.major_case_people == 100
	assert (doc.grid_household_target, doc.units_per_grid_small_high_rise, doc.units_per_grid_high_rise) == (
		60,
		2,
		1,
	)
	assert (
		doc.min_floor_area_town_service_centre,
		doc.min_floor_area_village_service_station,
		doc.min_floor_area_service_hall,
	) == (1000, 500, 300)
	assert (doc.students_per_teacher_primary, doc.students_per_teacher_junior_secondary) == (20, 15)
	assert (doc.min_beds_hospital, doc.min_beds_community_health_centre) == (300, 40)
	assert (doc.min_convenience_shops_per_community, doc.annual_report_years) == (3, 1)


def test_group_and_skip_level_petitions_follow_the_settings(settings, tree):
	assert not make_case("Petition", tree.village_a1, people_count=3).is_group
	settings(group_petition_people=3, skip_level_gap=1)
	assert make_case("Petition", tree.village_a1, people_count=3).is_group
	assert not make_case("Petition", tree.village_a1, people_count=2).is_group
	# with a gap of 1 the town window is already skip-level for a village matter
	at_town = make_case(
		"Petition", tree.village_a1, channel="Visit", matter_level="Village", petitioned_at_level="Town"
	)
	assert at_town.is_skip_level


def test_people_bands_and_major_case_follow_the_settings(settings, tree):
	settings(
		people_band_first_bound=10,
		people_band_second_bound=20,
		people_band_third_bound=30,
		major_case_people=20,
	)
	expected = {
		9: "Under 50",
		10: "50 to 100",
		20: "50 to 100",
		21: "100 to 500",
		30: "100 to 500",
		31: "Over 500",
	}
	for count, band in expected.items():
		dispute = make_case("Dispute", tree.village_a1, people_involved=count)
		assert dispute.people_band == band, count  # the labels stay those of the text
		assert dispute.is_major_case == (1 if count > 20 else 0), count
	incident = make_case("Emergency Incident", tree.village_a1, people_involved=25)
	assert incident.people_band == "100 to 500" and incident.is_major_case


def test_household_band_and_units_per_grid_follow_the_settings(settings, tree):
	settings(grid_household_target=50, grid_household_tolerance_percent=25, units_per_grid_small_high_rise=3)
	# 50 ± 12.5: every whole count within the tolerance, no rounding either way
	assert get_household_band() == (38, 62)
	compound = make_compound(tree.village_a1)
	make_building(compound, "5", "Small High-rise", floors=15, units=5, per_floor=2)
	proposal = propose_grids(compound)
	assert [g.unit_numbers for g in proposal.grids] == [[1, 2, 3], [4, 5]]
	assert proposal.band == [38, 62] and proposal.target == 50
	assert [g.status for g in proposal.grids] == ["Above Band", "Within Band"]  # 90 and 60 dwellings


def test_facility_standards_follow_the_settings(settings, tree):
	assert facility(tree.town_a, "Service Hall", floor_area=300).meets_standard
	settings(
		min_floor_area_service_hall=400,
		students_per_teacher_primary=10,
		min_beds_community_health_centre=50,
		annual_report_years=2,
	)
	hall = facility(tree.town_a, "Service Hall", floor_area=300)
	assert not hall.meets_standard and "400 m²" in hall.standard_notes
	school = facility(tree.town_a, "School", school_level="Primary", students=400, teachers=20)
	assert not school.meets_standard and "(1:10)" in school.standard_notes
	clinic = facility(tree.town_a, "Clinic/Hospital", clinic_level="Community Health Centre", beds=40)
	assert not clinic.meets_standard
	committee = make_religious_committee(tree.village_a1)
	venue = facility(
		tree.village_a1,
		"Religious Venue",
		religion="Islam",
		management_committee=committee.name,
		last_annual_report_date=frappe.utils.add_days(frappe.utils.today(), -400),
	)
	assert venue.meets_standard  # a report 400 days old is within two years
	venue.last_annual_report_date = frappe.utils.add_days(frappe.utils.today(), -800)
	venue.save()
	assert not venue.meets_standard and "more than 2 years" in venue.standard_notes


def test_convenience_shop_minimum_follows_the_settings(settings, tree):
	from xinqu_governance.registry.doctype.facility.facility import communities_below_shop_minimum

	facility(tree.village_a1, "Convenience Shop")
	below = {row["village"]: row["required"] for row in communities_below_shop_minimum(tree.town_a)}
	assert below[tree.village_a1] == 3
	settings(min_convenience_shops_per_community=1)
	assert tree.village_a1 not in {row["village"] for row in communities_below_shop_minimum(tree.town_a)}


@pytest.mark.parametrize(
	"values, message",
	[
		(
			{"people_band_first_bound": 100, "people_band_second_bound": 50},
			"The people band bounds must increase",
		),
		({"people_band_second_bound": 500}, "The people band bounds must increase"),
		({"group_petition_people": 1}, "must be at least 2"),
		({"skip_level_gap": 0}, "must be at least 1"),
		({"units_per_grid_small_high_rise": 0}, "must be at least 1"),
		({"min_floor_area_service_hall": 0}, "must be at least 1"),
		({"students_per_teacher_primary": 0}, "must be at least 1"),
	],
)
def test_bad_settings_are_refused_with_a_translated_error(settings, values, message):
	before = frappe.get_doc(SETTINGS).as_dict()
	with pytest.raises(frappe.ValidationError) as refused:
		settings(**values)
	assert message in str(refused.value)
	frappe.local.lang = "zh"
	try:
		with pytest.raises(frappe.ValidationError) as refused_zh:
			settings(**values)
	finally:
		frappe.local.lang = "en"
	assert message not in str(refused_zh.value)
	assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused_zh.value))
	frappe.clear_document_cache(SETTINGS, SETTINGS)
	after = frappe.get_doc(SETTINGS)
	assert all(after.get(fieldname) == before[fieldname] for fieldname in values)


@pytest.fixture(scope="module")
def administrator():
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	user = make_user_at("Governance Administrator", tree.city, prefix="xq-rules")
	frappe.db.commit()
	yield user
	frappe.db.rollback()
	purge_tree(tree, users=[user])


def test_the_administrator_edits_the_rules_in_the_desk(settings, administrator, chromium, live_server):
	"""The form shows the rule sections and the household band of the one band function; a changed
	number is saved, a wrong one refused in Chinese with nothing saved."""
	settings.remember("group_petition_people", "people_band_second_bound")
	desk = desk_as(chromium, live_server, administrator, PASSWORD, DESKTOP)
	page = desk.page
	try:
		desk.open_form(SETTINGS, SETTINGS)
		for section in ("Case Thresholds", "Facility Standards", "Grid Size by Building Type"):
			assert page.locator(".form-section .section-head", has_text=zh(section)).count() == 1, section
		intro = zh("Grids with fewer than {0} or more than {1} households are flagged.").format(45, 75)
		assert page.locator(".form-message", has_text=intro).count() == 1

		page.evaluate("() => cur_frm.set_value('group_petition_people', 3)")
		desk.save()
		assert desk.take_problems() == []
		frappe.db.rollback()  # a fresh snapshot: the desk's save is another transaction
		assert frappe.db.get_single_value(SETTINGS, "group_petition_people") == 3

		page.evaluate("() => cur_frm.set_value('people_band_second_bound', 600)")
		page.keyboard.press("Control+s")
		refusal = zh("The people band bounds must increase: {0} < {1} < {2}.").format(
			zh("People Band Bound 1"), zh("People Band Bound 2"), zh("People Band Bound 3")
		)
		page.locator(".modal.show", has_text=refusal).wait_for()
		frappe.db.rollback()
		assert frappe.db.get_single_value(SETTINGS, "people_band_second_bound") == 100
	finally:
		page.context.close()
