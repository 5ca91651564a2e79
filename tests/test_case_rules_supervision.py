"""Supervision 督办 from a higher level, accountability 问责 when its deadline passes unanswered, and
the one timeline of a case."""

from unittest.mock import patch

import frappe
import pytest
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.cases.supervision import SupervisionNotAllowedError, record_breached_supervisions
from xinqu_governance.cases.timeline import get_timeline
from xinqu_governance.governance.roles import COUNTY_OFFICER, TOWN_OFFICER, VILLAGE_STAFF
from xinqu_governance.tests.factories import make_assignment

from tests.test_case_rules_support import (
	T0,
	clock,
	hours,
	make_dispute,
	make_officer,
	make_sla_rule,
	make_world,
	members,
)

DAILY_JOB = "xinqu_governance.cases.supervision.record_breached_supervisions"


@pytest.fixture
def world():
	w = make_world()
	w.town_officer = make_officer(TOWN_OFFICER, w.town_p)
	w.other_town_officer = make_officer(TOWN_OFFICER, w.town_h)
	w.county_officer = make_officer(COUNTY_OFFICER, w.county_p)
	w.village_staff = make_officer(VILLAGE_STAFF, w.village_p1)
	return w


def supervise(case, user, *, deadline_hours=48, kind="Yellow Card"):
	frappe.set_user(user)
	try:
		with clock(T0):
			return frappe.get_doc(
				{
					"doctype": "Supervision",
					"case_doctype": case.doctype,
					"case_name": case.name,
					"kind": kind,
					"deadline": T0 + hours(deadline_hours),
					"instruction": "限期化解并报告",
				}
			).insert()
	finally:
		frappe.set_user("Administrator")


def test_only_a_higher_level_over_the_case_may_supervise(world):
	with clock(T0):
		village_case = make_dispute(world.grid_p1)
		town_case = make_dispute(world.town_p)

	issued = supervise(village_case, world.town_officer)
	assert (issued.issuer_jurisdiction, issued.issuer_level) == (world.town_p, "Town")
	assert issued.handling_unit == world.station_p1
	assert issued.jurisdiction == world.grid_p1

	with pytest.raises(frappe.PermissionError):
		supervise(village_case, world.village_staff)  # no role may issue at the village level
	with pytest.raises(SupervisionNotAllowedError):
		supervise(village_case, world.other_town_officer)  # a town above, but not over this case
	with pytest.raises(SupervisionNotAllowedError):
		supervise(town_case, world.town_officer)  # a town case needs the county
	assert supervise(town_case, world.county_officer).issuer_level == "County"


def test_unanswered_supervision_makes_one_accountability_record(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	unanswered = supervise(case, world.town_officer, deadline_hours=48)
	answered = supervise(case, world.town_officer, deadline_hours=48, kind="Ordinary")

	make_assignment(case.assigned_to, VILLAGE_STAFF, world.village_p1)
	frappe.set_user(case.assigned_to)
	try:
		with clock(T0 + hours(10)):
			answered.reload()
			answered.reply = "已组织双方调解, 达成协议"
			answered.save()
	finally:
		frappe.set_user("Administrator")
	assert (answered.status, answered.replied_by) == ("Replied", case.assigned_to)

	assert record_breached_supervisions(now=T0 + hours(47)) == []
	made = record_breached_supervisions(now=T0 + hours(49))
	assert len(made) == 1
	record = frappe.get_doc("Accountability Record", made[0])
	assert record.supervision == unanswered.name
	assert (record.responsible_unit, record.responsible_user) == (world.station_p1, case.assigned_to)
	assert str(record.breach_date) == str((T0 + hours(48)).date())
	assert record.jurisdiction == world.town_p
	assert frappe.db.get_value("Supervision", unanswered.name, "status") == "Breached"

	assert record_breached_supervisions(now=T0 + hours(100)) == []
	assert frappe.db.count("Accountability Record", {"case_name": case.name}) == 1


def test_the_daily_job_runs_as_a_scheduled_job_type(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	supervise(case, world.town_officer, deadline_hours=1)
	job = frappe.get_doc("Scheduled Job Type", {"method": DAILY_JOB})
	with clock(T0 + hours(30)), patch.object(frappe.db, "commit"):
		job.execute()
		job.execute()
	assert frappe.db.count("Accountability Record", {"case_name": case.name}) == 1


def test_only_the_handling_unit_replies_and_only_the_issuer_changes_the_order(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	issued = supervise(case, world.town_officer)
	frappe.set_user(world.other_town_officer)
	try:
		doc = frappe.get_doc("Supervision", issued.name)
		doc.reply = "不是我们的案件"
		with pytest.raises(frappe.PermissionError):
			doc.save(ignore_permissions=True)
	finally:
		frappe.set_user("Administrator")

	make_assignment(case.assigned_to, VILLAGE_STAFF, world.village_p1)
	frappe.set_user(case.assigned_to)
	try:
		doc = frappe.get_doc("Supervision", issued.name)
		doc.deadline = T0 + hours(500)
		with pytest.raises(frappe.PermissionError):
			doc.save(ignore_permissions=True)
	finally:
		frappe.set_user("Administrator")


def test_the_timeline_merges_everything_in_time_order(world):
	make_sla_rule(world, handling_level="Village", resolution_hours=24)
	with clock(T0):
		case = make_dispute(world.grid_p1)
	case.add_comment("Comment", "已电话联系双方当事人")
	issued = supervise(case, world.town_officer)
	run_sla_job(now=T0 + hours(25))
	record_breached_supervisions(now=T0 + hours(100))

	kinds = [entry["kind"] for entry in get_timeline("Dispute", case.name)]
	assert kinds[0] == "created"
	for kind in ("comment", "supervision", "accountability", "info"):
		assert kind in kinds, kind
	assert kinds.index("supervision") < kinds.index("accountability")
	timestamps = [entry["timestamp"] for entry in get_timeline("Dispute", case.name)]
	assert timestamps == sorted(timestamps)
	# the escalation's save: a change, or a transition where the Dispute workflow is installed
	escalation = next(e for e in get_timeline("Dispute", case.name) if e["kind"] in ("change", "transition"))
	assert world.centre_p in escalation["detail"]
	assert issued.name in {e["reference_name"] for e in get_timeline("Dispute", case.name)}


def test_the_timeline_is_permission_checked(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
		other_village = make_dispute(world.village_h1)
	frappe.set_user(world.village_staff)
	try:
		assert get_timeline("Dispute", case.name)
		with pytest.raises(frappe.PermissionError):
			get_timeline("Dispute", other_village.name)
	finally:
		frappe.set_user("Administrator")
