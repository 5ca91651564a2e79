"""The Overdue Queue report: a town's overdue and due-soon cases across case types, most urgent first,
only for users who can see the town."""

import frappe
import pytest
from frappe.desk.query_report import run as run_report
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.cases.report.overdue_queue.overdue_queue import execute
from xinqu_governance.governance.roles import TOWN_OFFICER, VILLAGE_STAFF

from tests.test_case_rules_support import (
	T0,
	clock,
	hours,
	make_dispute,
	make_officer,
	make_petition,
	make_sla_rule,
	make_world,
)

NOW = T0 + hours(70)


@pytest.fixture
def queue_world():
	w = make_world()
	make_sla_rule(w, resolution_hours=72, warn_before_hours=12, escalate_after_hours=100)
	make_sla_rule(
		w, case_doctype="Petition", resolution_hours=72, warn_before_hours=12, escalate_after_hours=100
	)
	with clock(T0):
		w.overdue = make_dispute(w.grid_p1, reported_on=T0 - hours(10)).name  # due T0+62: 8 h overdue
		w.due_soon = make_petition(w.village_p2).name  # due T0+72: 2 h left
		w.on_track = make_dispute(w.grid_p1, reported_on=T0 + hours(20)).name  # due T0+92
		w.other_town = make_dispute(w.grid_h1, reported_on=T0 - hours(10)).name
		withdrawn = make_dispute(w.grid_p1, reported_on=T0 - hours(20))
	frappe.db.set_value("Dispute", withdrawn.name, "is_withdrawn", 1)
	run_sla_job(now=NOW)
	w.town_officer = make_officer(TOWN_OFFICER, w.town_p)
	w.village_staff = make_officer(VILLAGE_STAFF, w.village_p2)
	return w


def queue(user, **filters):
	frappe.set_user(user)
	try:
		with clock(NOW):
			_columns, rows = execute(filters)
		return [(row.case_type, row.case, row.hours_overdue) for row in rows]
	finally:
		frappe.set_user("Administrator")


@pytest.mark.parametrize("list_limit", [200, 0], ids=["territory as a list", "territory as the tree's range"])
def test_the_towns_queue_lists_overdue_then_due_soon_across_case_types(queue_world, monkeypatch, list_limit):
	"""The same queue whether the town's nodes reach MariaDB as their list or, as a town of more than
	a few nodes does, as the tree's range read per row (overdue_queue.LIST_LIMIT)."""
	from xinqu_governance.cases.report.overdue_queue import overdue_queue

	monkeypatch.setattr(overdue_queue, "LIST_LIMIT", list_limit)
	w = queue_world
	assert queue(w.town_officer, jurisdiction=w.town_p) == [
		("Dispute", w.overdue, 8.0),
		("Petition", w.due_soon, -2.0),
	]
	assert queue(w.town_officer, jurisdiction=w.town_p, sla_status="Overdue") == [("Dispute", w.overdue, 8.0)]
	assert queue(w.town_officer, jurisdiction=w.town_p, case_type="Petition") == [
		("Petition", w.due_soon, -2.0)
	]


def test_a_village_sees_its_own_queue_only(queue_world):
	w = queue_world
	assert queue(w.village_staff, jurisdiction=w.village_p2) == [("Petition", w.due_soon, -2.0)]
	with pytest.raises(frappe.PermissionError):
		queue(w.village_staff, jurisdiction=w.town_p)


def test_the_report_runs_through_frappes_report_runner(queue_world):
	w = queue_world
	frappe.set_user(w.town_officer)
	try:
		with clock(NOW):
			result = run_report("Overdue Queue", filters={"jurisdiction": w.town_p})
	finally:
		frappe.set_user("Administrator")
	assert [row["case"] for row in result["result"]] == [w.overdue, w.due_soon]
