"""三位一体 (Guiding Opinions §27(2)): the party branch, village committee and service station of each
village, their seats, the station head held by the secretary or director, and the holders checked
against their Jurisdiction Assignments — the "Three-in-One Roster" report and the Organisation form."""

import frappe
import pytest
from xinqu_governance.registry import three_in_one as rule
from xinqu_governance.registry.report.three_in_one_roster import three_in_one_roster as report
from xinqu_governance.registry.utils import WrongJurisdictionLevelError
from xinqu_governance.tests.factories import days_from_today, make_user

from tests.factories import citizen_ids, make_jurisdiction_tree, make_user_at, unique


@pytest.fixture
def tree():
	return make_jurisdiction_tree()


def body(org_type, village, *members):
	return frappe.get_doc(
		{
			"doctype": "Organisation",
			"organisation_name": unique(f"测试{org_type}"),
			"org_type": org_type,
			"jurisdiction": village,
			"members": list(members),
		}
	).insert(ignore_permissions=True)


def seat(seat, user=None, name=None, **fields):
	return {"seat": seat, "user": user, "member_name": name or unique("任职人"), **fields}


def roster(tree, **filters) -> dict:
	"""(village, seat) → problem code of the report's rows in the test tree."""
	_columns, data = report.execute({"jurisdiction": tree.county, **filters})
	labels = {frappe._(label): key for key, label in report.SEAT_LABELS.items()}
	villages = {tree.village_a1, tree.village_a2, tree.village_b1}
	return {(row["village"], labels[row["seat"]]): row["problem_code"] for row in data if row["village"] in villages}


def test_the_roster_shows_each_seat_and_what_is_wrong_with_it(tree):
	# A1: one person is secretary, director and station head (书记主任一肩挑, 兼任站长), assigned there
	chief = make_user_at("Village Staff", tree.village_a1, password=None)
	name = "王书记"
	body("Party Branch", tree.village_a1, seat("Secretary", chief, name), seat("Committee Member"))
	body("Village Committee", tree.village_a1, seat("Director", chief, name))
	body("Service Station", tree.village_a1, seat("Station Head", chief, name))
	# A2: the secretary has no assignment at all, the director no login, no service station
	body("Party Branch", tree.village_a2, seat("Secretary", make_user("xq-3in1")))
	body("Village Committee", tree.village_a2, seat("Director"))
	# B1: no secretary; the station head is someone else than the director, assigned in A2 only
	director = make_user_at("Village Staff", tree.village_b1, password=None)
	outsider = make_user_at("Village Staff", tree.village_a2, password=None)
	body("Party Branch", tree.village_b1, seat("Deputy Secretary", director))
	body("Village Committee", tree.village_b1, seat("Director", director))
	body("Service Station", tree.village_b1, seat("Station Head", outsider))

	assert roster(tree) == {
		(tree.village_a1, "Secretary"): "",
		(tree.village_a1, "Director"): "",
		(tree.village_a1, "Station Head"): "",
		(tree.village_a2, "Secretary"): rule.NO_ASSIGNMENT,
		(tree.village_a2, "Director"): rule.NO_USER,
		(tree.village_a2, "Station Head"): rule.NO_ORGANISATION,
		(tree.village_b1, "Secretary"): rule.EMPTY_SEAT,
		(tree.village_b1, "Director"): "",
		(tree.village_b1, "Station Head"): rule.NOT_CROSS_APPOINTED,
	}
	only = roster(tree, problems_only=1)
	assert set(only) == {
		(tree.village_a2, "Secretary"),
		(tree.village_a2, "Director"),
		(tree.village_a2, "Station Head"),
		(tree.village_b1, "Secretary"),
		(tree.village_b1, "Station Head"),
	}

	# the director takes the station over: B1's station head is cross-appointed and assigned there
	station = frappe.get_doc("Organisation", {"jurisdiction": tree.village_b1, "org_type": "Service Station"})
	station.members[0].user = director
	station.save(ignore_permissions=True)
	assert roster(tree)[(tree.village_b1, "Station Head")] == ""
	# the same person by resident record, not by login: still cross-appointed, but not assigned
	resident = frappe.get_doc(
		{"doctype": "Resident", "full_name": "赵主任", "citizen_id": citizen_ids()[0], "jurisdiction": tree.village_b1}
	).insert(ignore_permissions=True)
	committee = frappe.get_doc("Organisation", {"jurisdiction": tree.village_b1, "org_type": "Village Committee"})
	committee.members[0].update({"user": None, "resident": resident.name})
	committee.save(ignore_permissions=True)
	station.members[0].update({"user": None, "resident": resident.name})
	station.save(ignore_permissions=True)
	assert roster(tree)[(tree.village_b1, "Station Head")] == rule.NO_USER


def test_an_assignment_past_its_period_does_not_back_a_seat(tree):
	chief = make_user_at("Village Staff", tree.village_a1, password=None)
	body("Party Branch", tree.village_a1, seat("Secretary", chief))
	assert roster(tree)[(tree.village_a1, "Secretary")] == ""
	assignment = frappe.db.get_value("Jurisdiction Assignment", {"user": chief})
	frappe.db.set_value(
		"Jurisdiction Assignment", assignment, {"valid_from": days_from_today(-30), "valid_to": days_from_today(-1)}
	)
	assert roster(tree)[(tree.village_a1, "Secretary")] == rule.NO_ASSIGNMENT


def test_seats_belong_to_their_body_and_single_seats_have_one_holder(tree):
	with pytest.raises(frappe.ValidationError, match="Secretary"):
		body("Village Committee", tree.village_a1, seat("Secretary"))
	with pytest.raises(frappe.ValidationError, match="one holder"):
		body("Village Committee", tree.village_a1, seat("Director"), seat("Director"))
	with pytest.raises(WrongJurisdictionLevelError):
		body("Party Branch", tree.town_a, seat("Secretary"))
	# other organisations keep their free positions; several committee members are fine
	body("Volunteer Team", tree.town_a, seat("Director"))
	body("Village Committee", tree.village_a1, seat("Committee Member"), seat("Committee Member"))


def test_saving_a_body_points_out_its_own_problems(tree):
	frappe.local.message_log = []
	body("Party Branch", tree.village_a1, seat("Secretary"))
	messages = " ".join(str(m) for m in frappe.local.message_log)
	assert rule.NO_USER in messages
	frappe.local.message_log = []


def test_the_roster_is_scoped_to_the_users_nodes(tree):
	for village in (tree.village_a1, tree.village_a2, tree.village_b1):
		body("Party Branch", village, seat("Secretary"))
	staff = make_user_at("Village Staff", tree.village_a1, password=None)
	officer = make_user_at("Town Officer", tree.town_a, password=None)
	frappe.set_user(staff)
	assert {village for village, _seat in roster(tree)} == {tree.village_a1}
	frappe.set_user(officer)
	assert {village for village, _seat in roster(tree)} == {tree.village_a1, tree.village_a2}
	frappe.set_user("Administrator")
