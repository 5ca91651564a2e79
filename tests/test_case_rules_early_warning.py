"""Early warning (预警): each rule raises its warning once, for the level above to see."""

import datetime

import frappe
import pytest
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.governance.roles import TOWN_OFFICER, VILLAGE_STAFF

from tests.test_case_rules_support import (
	T0,
	citizen_number,
	clock,
	hours,
	make_dispute,
	make_officer,
	make_petition,
	make_sla_rule,
	make_world,
)


@pytest.fixture
def world():
	return make_world()


def make_warning_rule(**fields) -> str:
	return (
		frappe.get_doc(
			{"doctype": "Early Warning Rule", "rule_name": f"EW {frappe.generate_hash(length=8)}", **fields}
		)
		.insert(ignore_permissions=True)
		.name
	)


def warnings_of(case) -> list:
	return frappe.get_all(
		"Early Warning",
		filters={"case_doctype": case.doctype, "case_name": case.name},
		fields=["name", "rule", "level", "jurisdiction", "message", "rule_type"],
	)


def days(n):
	return datetime.timedelta(days=n)


def test_repeated_disputes_between_the_same_parties(world):
	rule = make_warning_rule(
		rule_type="Repeated Subject",
		case_doctype="Dispute",
		subject_field="parties.citizen_id",
		match_all_values=1,
		window_days=30,
		min_count=2,
		level="Yellow",
	)
	x, y, z = citizen_number(101), citizen_number(202), citizen_number(303)
	with clock(T0):
		first = make_dispute(world.grid_p1, parties=[x, y])
	with clock(T0 + days(5)):
		second = make_dispute(world.grid_p1, parties=[y, x])
		other_pair = make_dispute(world.grid_p1, parties=[x, z])
	with clock(T0 + days(40)):
		much_later = make_dispute(world.grid_p1, parties=[x, y])

	assert warnings_of(first) == []
	raised = warnings_of(second)
	assert len(raised) == 1 and raised[0].rule == rule
	assert raised[0].jurisdiction == world.town_p
	assert x not in raised[0].message  # ID numbers are masked
	assert warnings_of(other_pair) == []
	assert warnings_of(much_later) == []  # the first two are out of the 30-day window

	second.description = "再次调解"
	second.save()
	assert len(warnings_of(second)) == 1


def test_repeated_disputes_at_the_same_place(world):
	make_warning_rule(
		rule_type="Repeated Subject",
		case_doctype="Dispute",
		subject_field="location",
		window_days=7,
		min_count=3,
	)
	with clock(T0):
		cases = [make_dispute(world.grid_p1, location="幸福小区3号楼") for _ in range(3)]
		elsewhere = make_dispute(world.grid_p1, location="幸福小区5号楼")
	assert [len(warnings_of(case)) for case in cases] == [0, 0, 1]
	assert warnings_of(elsewhere) == []


def test_repeated_petitions_by_the_same_person(world):
	make_warning_rule(
		rule_type="Repeated Subject",
		case_doctype="Petition",
		subject_field="petitioner_id_number",
		window_days=60,
		min_count=3,
		level="Orange",
	)
	person = citizen_number(404)
	with clock(T0):
		first = make_petition(world.village_p1, id_number=person)
	with clock(T0 + days(20)):
		second = make_petition(world.village_p1, id_number=person)
		someone_else = make_petition(world.village_p1, id_number=citizen_number(505))
	with clock(T0 + days(50)):
		third = make_petition(world.village_p1, id_number=person)
	assert warnings_of(first) == warnings_of(second) == warnings_of(someone_else) == []
	raised = warnings_of(third)
	assert len(raised) == 1 and raised[0].level == "Orange"


def test_many_people_involved_raises_the_highest_band_once(world):
	bands = {
		threshold: make_warning_rule(
			rule_type="People Involved",
			case_doctype="Dispute",
			people_field="people_involved",
			people_threshold=threshold,
			level=level,
		)
		for threshold, level in ((50, "Yellow"), (100, "Orange"), (500, "Red"))
	}
	with clock(T0):
		small = make_dispute(world.grid_p1, people_involved=30)
		large = make_dispute(world.grid_p1, people_involved=120)
	assert warnings_of(small) == []
	assert [row.rule for row in warnings_of(large)] == [bands[100]]

	large.people_involved = 130
	large.save()
	assert len(warnings_of(large)) == 1

	large.people_involved = 600
	large.save()
	assert sorted(row.rule for row in warnings_of(large)) == sorted([bands[100], bands[500]])


def test_long_overdue_cases_raise_a_warning_once_per_deadline(world):
	make_sla_rule(world, handling_level="Village", resolution_hours=24, on_breach="Raise warning for a human")
	rule = make_warning_rule(rule_type="Overdue Case", overdue_hours=48, level="Red")
	with clock(T0):
		case = make_dispute(world.grid_p1)
	run_sla_job(now=T0 + hours(30))
	assert [row.rule for row in warnings_of(case) if row.rule] == []
	run_sla_job(now=T0 + hours(73))
	run_sla_job(now=T0 + hours(80))
	assert [row.rule for row in warnings_of(case) if row.rule] == [rule]


def test_the_level_above_sees_the_warning_the_village_does_not(world):
	make_warning_rule(
		rule_type="People Involved",
		case_doctype="Dispute",
		people_field="people_involved",
		people_threshold=50,
	)
	town_officer = make_officer(TOWN_OFFICER, world.town_p)
	village_staff = make_officer(VILLAGE_STAFF, world.village_p1)
	with clock(T0):
		case = make_dispute(world.grid_p1, people_involved=80)
	(warning,) = warnings_of(case)
	assert warning.jurisdiction == world.town_p  # its officers are told (tests/test_notifications.py)

	frappe.set_user(town_officer)
	assert frappe.get_list("Early Warning", filters={"case_name": case.name}, pluck="name") == [warning.name]
	frappe.set_user(village_staff)
	assert frappe.get_list("Early Warning", filters={"case_name": case.name}, pluck="name") == []
	assert frappe.has_permission("Dispute", "read", doc=case)


def test_a_rule_naming_a_missing_field_is_refused(world):
	with pytest.raises(frappe.ValidationError):
		make_warning_rule(
			rule_type="Repeated Subject", case_doctype="Dispute", subject_field="parties.no_such_field"
		)
	with pytest.raises(frappe.ValidationError):
		make_warning_rule(rule_type="People Involved", case_doctype="Dispute", people_field="subject")


def test_a_warning_raised_in_between_by_another_save_is_not_raised_again(world, monkeypatch):
	"""`trigger_key` is unique: when a concurrent save or job inserts the same warning after the
	existence check, the unique index refuses the second (UniqueValidationError) and nothing else
	of the save is undone or reported."""
	from xinqu_governance.cases import early_warning

	case = make_dispute(world.grid_p1)
	key = f"test:{case.name}:{frappe.generate_hash(length=6)}"
	first = early_warning.raise_warning(
		case, rule_type="People Involved", level="Yellow", message="first", trigger_key=key
	)
	assert first

	exists = frappe.db.exists
	monkeypatch.setattr(
		frappe.db, "exists", lambda dt, *a, **kw: None if dt == "Early Warning" else exists(dt, *a, **kw)
	)
	messages = len(frappe.local.message_log)
	again = early_warning.raise_warning(
		case, rule_type="People Involved", level="Yellow", message="again", trigger_key=key
	)
	assert again is None
	assert len(frappe.local.message_log) == messages
	assert frappe.get_all("Early Warning", filters={"trigger_key": key}, pluck="name") == [first]
	assert frappe.db.exists("Dispute", case.name)


def test_the_index_of_a_rules_subject_is_no_customisation():
	"""ensure_case_indexes (the background job after a rule is saved) indexes the rule's subject field
	without leaving a `search_index` Property Setter, which the profile export would write out."""
	from xinqu_governance.cases.case_types import ensure_case_indexes

	rule = frappe.get_doc(
		{
			"doctype": "Early Warning Rule",
			"rule_name": f"索引{frappe.generate_hash(length=6)}",
			"rule_type": "Repeated Subject",
			"case_doctype": "Dispute",
			"subject_field": "location",
			"level": "Yellow",
			"window_days": 30,
			"min_count": 3,
			"is_active": 1,
		}
	).insert(ignore_permissions=True)
	try:
		ensure_case_indexes()  # commits (DDL), as the job does
		assert frappe.db.has_index("tabDispute", frappe.db.get_index_name(["location"]))
		assert not frappe.db.exists(
			"Property Setter", {"doc_type": "Dispute", "field_name": "location", "property": "search_index"}
		)
		assert not frappe.db.exists(
			"Property Setter", {"doc_type": "Dispute", "field_name": "reported_on", "property": "search_index"}
		)
	finally:
		frappe.delete_doc("Early Warning Rule", rule.name, force=True, ignore_permissions=True)
		frappe.db.commit()
