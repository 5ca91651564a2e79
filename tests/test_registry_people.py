"""Housing, households and residents: derived fields, one person one record, counts kept true."""

import frappe
import pytest
from xinqu_governance.registry.doctype.household.household import (
	DwellingAlreadyAllocatedError,
	ResidentInAnotherHouseholdError,
)
from xinqu_governance.registry.doctype.resident.resident import DuplicateResidentError, InvalidCitizenIDError
from xinqu_governance.registry.utils import InvalidPhoneError, WrongJurisdictionLevelError

from tests.factories import (
	citizen_ids,
	make_building,
	make_compound,
	make_household,
	make_jurisdiction_tree,
	make_resident,
)


@pytest.fixture
def tree():
	return make_jurisdiction_tree()


def test_building_creates_units_and_dwellings_in_the_compounds_village(tree):
	compound = make_compound(tree.village_a1)
	building = make_building(compound, "3", "Small High-rise", floors=11, units=4, per_floor=2)
	units = frappe.get_all(
		"Building Unit", filters={"building": building}, fields=["name", "jurisdiction", "unit_number"]
	)
	assert sorted(u.unit_number for u in units) == [1, 2, 3, 4]
	assert {u.jurisdiction for u in units} == {tree.village_a1}
	assert frappe.db.count("Dwelling", {"building": building}) == 4 * 11 * 2
	dwelling = frappe.get_doc("Dwelling", f"{building}-1-502")
	assert (dwelling.floor, dwelling.room, dwelling.jurisdiction) == (5, "502", tree.village_a1)
	assert frappe.db.get_value("Resettlement Compound", compound, ["building_count", "dwelling_count"]) == (
		1,
		88,
	)


def test_compound_must_lie_in_a_village_and_moves_its_buildings_along(tree):
	with pytest.raises(WrongJurisdictionLevelError):
		make_compound(tree.town_a)
	compound = make_compound(tree.village_a1)
	building = make_building(compound)
	doc = frappe.get_doc("Resettlement Compound", compound)
	doc.jurisdiction = tree.village_a2
	doc.save()
	assert frappe.db.get_value("Building", building, "jurisdiction") == tree.village_a2
	assert set(
		frappe.get_all("Dwelling", filters={"building": building}, pluck="jurisdiction", distinct=True)
	) == {tree.village_a2}


def test_dwelling_floor_must_exist(tree):
	building = make_building(make_compound(tree.village_a1), floors=6)
	unit = frappe.get_all("Building Unit", filters={"building": building}, pluck="name")[0]
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc({"doctype": "Dwelling", "building_unit": unit, "floor": 7, "room": "701"}).insert()


def test_resident_birth_date_and_sex_come_from_the_id_and_lower_case_x_is_stored_upper_case(tree):
	resident = make_resident(tree.village_a1, citizen_id="11010519491231002x")
	assert resident.citizen_id == "11010519491231002X"
	assert str(resident.birth_date) == "1949-12-31"
	assert resident.sex == "Female"


@pytest.mark.parametrize(
	"number",
	["11010519491231002Y", "110105194912310021", "1101051949123100", "11010519491331002X"],
)
def test_resident_with_invalid_id_is_refused(tree, number):
	with pytest.raises(InvalidCitizenIDError):
		make_resident(tree.village_a1, citizen_id=number)


def test_duplicate_id_is_refused_across_jurisdictions_naming_only_the_town(tree):
	number = citizen_ids()[0]
	make_resident(tree.village_b1, citizen_id=number)
	with pytest.raises(DuplicateResidentError) as info:
		make_resident(tree.village_a1, citizen_id=number.lower())
	message = str(info.value)
	assert tree.town_b in message
	assert tree.village_b1 not in message  # only the town is revealed


def test_duplicate_id_is_refused_even_when_the_user_cannot_see_the_other_record(tree):
	from tests.factories import make_user_at

	number = citizen_ids()[0]
	make_resident(tree.village_b1, citizen_id=number)
	user = make_user_at("Village Staff", tree.village_a1, password=None)
	frappe.set_user(user)
	assert not frappe.get_list("Resident", filters={"citizen_id": number})
	with pytest.raises(DuplicateResidentError) as info:
		frappe.get_doc(
			{
				"doctype": "Resident",
				"full_name": "重复",
				"citizen_id": number,
				"jurisdiction": tree.village_a1,
			}
		).insert()
	assert tree.town_b in str(info.value)


def test_the_database_refuses_a_duplicate_id_too(tree):
	number = citizen_ids()[0]
	first = make_resident(tree.village_a1, citizen_id=number)
	indexes = frappe.db.sql("show index from `tabResident` where Column_name='citizen_id' and Non_unique=0")
	assert indexes, "citizen_id has a unique index"
	with pytest.raises(
		frappe.db.DuplicateEntryError if hasattr(frappe.db, "DuplicateEntryError") else Exception
	):
		frappe.db.sql(
			"insert into `tabResident` (name, citizen_id, full_name, jurisdiction) values (%s, %s, %s, %s)",
			(first.name + "x", number, "x", tree.village_a1),
		)


@pytest.mark.parametrize(
	"phone, ok",
	[
		("13912345678", True),
		("0972-8613552", True),
		("09728613552", True),
		("1391234567", False),
		("23912345678", False),
		("abc", False),
	],
)
def test_phone_numbers(tree, phone, ok):
	if ok:
		assert make_resident(tree.village_a1, phone=phone).phone == phone
	else:
		with pytest.raises(InvalidPhoneError):
			make_resident(tree.village_a1, phone=phone)


def test_floating_resident_needs_origin(tree):
	with pytest.raises(frappe.ValidationError):
		make_resident(tree.village_a1, is_floating=1)
	assert make_resident(tree.village_a1, is_floating=1, floating_from="甘肃省临夏州").floating_from


def test_household_sets_its_members_household_grid_and_jurisdiction(tree):
	household = make_household(tree.grid_a1, members=3)
	assert household.grid == tree.grid_a1
	assert household.jurisdiction == tree.grid_a1
	assert household.member_count == 3
	assert household.name.startswith("HH-")
	residents = frappe.get_all(
		"Resident", filters={"household": household.name}, fields=["grid", "jurisdiction"]
	)
	assert len(residents) == 3
	assert {(r.grid, r.jurisdiction) for r in residents} == {(tree.grid_a1, tree.grid_a1)}


def test_household_head_must_be_the_single_head_member(tree):
	household = make_household(tree.village_a1, members=2)
	household.members[1].relation = "Head"
	with pytest.raises(frappe.ValidationError):
		household.save()


def test_a_resident_belongs_to_one_household(tree):
	first = make_household(tree.village_a1, members=2)
	with pytest.raises(ResidentInAnotherHouseholdError):
		frappe.get_doc(
			{
				"doctype": "Household",
				"jurisdiction": tree.village_a1,
				"head": first.members[1].resident,
			}
		).insert()


def test_removing_a_member_releases_the_resident(tree):
	household = make_household(tree.village_a1, members=3)
	leaving = household.members[2].resident
	household.members = household.members[:2]
	household.save()
	assert frappe.db.get_value("Resident", leaving, "household") is None
	assert household.member_count == 2


def test_dwelling_allocation_and_household_location(tree):
	compound = make_compound(tree.village_a1)
	building = make_building(compound)
	dwelling = f"{building}-1-101"
	household = make_household(tree.village_a1, dwelling=dwelling)
	assert household.compound == compound
	assert household.jurisdiction == tree.village_a1
	assert frappe.db.get_value("Dwelling", dwelling, ["allocation_status", "household"]) == (
		"Allocated",
		household.name,
	)
	with pytest.raises(DwellingAlreadyAllocatedError):
		make_household(tree.village_a1, members=1, dwelling=dwelling)
	household.dwelling = f"{building}-1-102"
	household.save()
	assert frappe.db.get_value("Dwelling", dwelling, ["allocation_status", "household"]) == ("Vacant", None)
	assert frappe.db.get_value("Resettlement Compound", compound, "household_count") == 1


def test_moved_in_needs_a_dwelling_and_date(tree):
	with pytest.raises(frappe.ValidationError):
		make_household(tree.village_a1, members=1, transition_status="Moved In")


def test_household_code_is_kept_and_used_as_name(tree):
	household = make_household(
		tree.village_a1, members=1, household_code=f"XQ-T-{frappe.generate_hash(length=6)}"
	)
	assert household.name == household.household_code
	household.household_code = "other"
	with pytest.raises(frappe.ValidationError):
		household.save()
