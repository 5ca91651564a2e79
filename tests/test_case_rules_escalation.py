"""The SLA job: Due Soon / Overdue marking and escalation, exactly once, on a clock the test controls."""

from unittest.mock import patch

import frappe
import pytest
from xinqu_governance.cases import sla
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.cases.report.overdue_queue.overdue_queue import execute as overdue_queue
from xinqu_governance.governance.roles import VILLAGE_STAFF

from tests.test_case_rules_support import (
	T0,
	clock,
	hours,
	make_dispute,
	make_sla_rule,
	make_world,
	members,
)

SLA_JOB = "xinqu_governance.cases.escalation.run_sla_job"
ESCALATED = "上交至"  # of the timeline entry "Escalated from … to …", written in the site's language


@pytest.fixture
def chinese_site():
	"""The site's language (System Settings) is Chinese, as the district profile sets it."""
	from xinqu_governance.governance.site_language import site_language

	changed = site_language() != "zh"
	if changed:
		frappe.db.set_single_value("System Settings", "language", "zh")
		frappe.clear_cache(doctype="System Settings")
	yield
	if changed:
		frappe.db.rollback()
		frappe.clear_cache(doctype="System Settings")


@pytest.fixture
def world(chinese_site):
	w = make_world()
	w.village_rule = make_sla_rule(
		w,
		handling_level="Village",
		resolution_hours=72,
		warn_before_hours=12,
		on_breach=sla.ESCALATE_AUTOMATICALLY,
	)
	w.town_rule = make_sla_rule(w, handling_level="Town", resolution_hours=168, warn_before_hours=24)
	return w


def reload(case):
	return frappe.get_doc(case.doctype, case.name)


def comments(case, text):
	return frappe.get_all(
		"Comment",
		filters={
			"reference_doctype": case.doctype,
			"reference_name": case.name,
			"content": ("like", f"%{text}%"),
		},
		pluck="name",
	)


def test_due_soon_then_overdue_then_escalated_once(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	assert (case.handling_unit, case.sla_status) == (world.station_p1, sla.ON_TRACK)

	run_sla_job(now=T0 + hours(59))
	assert reload(case).sla_status == sla.ON_TRACK
	run_sla_job(now=T0 + hours(61))
	assert reload(case).sla_status == sla.DUE_SOON

	summary = run_sla_job(now=T0 + hours(73))
	assert [case.doctype, case.name] in summary.escalated
	escalated = reload(case)
	assert escalated.handling_level == "Town"
	assert escalated.handling_unit == world.centre_p
	assert escalated.assigned_to in members(world.centre_p)
	assert escalated.escalation_count == 1
	assert escalated.resolution_due == T0 + hours(73 + 168)  # the town's own deadline
	assert escalated.sla_status == sla.ON_TRACK
	assert len(comments(case, ESCALATED)) == 1
	# who is told of it: tests/test_notifications.py (the profile's Notification records)

	# the second run (and a third, later) changes nothing
	modified = escalated.modified
	again = run_sla_job(now=T0 + hours(73))
	assert [case.doctype, case.name] not in again.escalated
	run_sla_job(now=T0 + hours(100))
	after = reload(case)
	assert (after.escalation_count, after.handling_level, after.modified) == (1, "Town", modified)
	assert len(comments(case, ESCALATED)) == 1


def test_escalate_to_level_and_grace_period(world):
	frappe.db.set_value(
		"SLA Rule", world.village_rule, {"escalate_to_level": "District", "escalate_after_hours": 24}
	)
	with clock(T0):
		case = make_dispute(world.grid_p1)
	run_sla_job(now=T0 + hours(80))
	assert reload(case).sla_status == sla.OVERDUE
	assert reload(case).handling_level == "Village"  # within the 24 hours of grace

	run_sla_job(now=T0 + hours(97))
	assert (reload(case).handling_level, reload(case).handling_unit) == ("District", world.district)


def test_a_rule_may_ask_a_human_instead(world):
	frappe.db.set_value("SLA Rule", world.village_rule, "on_breach", sla.RAISE_WARNING)
	with clock(T0):
		case = make_dispute(world.grid_p1)
	first = run_sla_job(now=T0 + hours(73))
	second = run_sla_job(now=T0 + hours(80))

	assert reload(case).handling_level == "Village"
	warnings = frappe.get_all(
		"Early Warning",
		filters={"case_name": case.name},
		fields=["name", "jurisdiction", "sla_rule", "status"],
	)
	assert len(warnings) == 1
	assert warnings[0].jurisdiction == world.town_p  # the level above the village sees it
	assert warnings[0].sla_rule == world.village_rule
	assert first.warnings == [warnings[0].name]
	assert second.warnings == []


def test_nowhere_to_go_raises_a_warning_once(world):
	make_sla_rule(world, handling_level="City", resolution_hours=24)
	with clock(T0):
		case = make_dispute(world.grid_p1, handling_unit=world.leading_group)
	assert case.handling_level == "City"
	run_sla_job(now=T0 + hours(25))
	run_sla_job(now=T0 + hours(26))
	assert frappe.db.count("Early Warning", {"case_name": case.name}) == 1
	assert reload(case).escalation_count == 0


def test_closed_and_withdrawn_cases_are_left_alone(world):
	with clock(T0):
		withdrawn = make_dispute(world.grid_p1)
	frappe.db.set_value("Dispute", withdrawn.name, "is_withdrawn", 1)
	run_sla_job(now=T0 + hours(200))
	assert reload(withdrawn).handling_level == "Village"
	assert reload(withdrawn).sla_status == sla.ON_TRACK


def test_due_soon_uses_the_window_of_the_governing_rule(world):
	make_sla_rule(world, category=world.neighbours, resolution_hours=72, warn_before_hours=48)
	with clock(T0):
		neighbours = make_dispute(world.grid_p1, category=world.neighbours)
		other = make_dispute(world.grid_p1)
	run_sla_job(now=T0 + hours(30))  # 42 h left: inside 48, outside 12
	assert reload(neighbours).sla_status == sla.DUE_SOON
	assert reload(other).sla_status == sla.ON_TRACK


def test_the_scheduler_runs_it_as_a_scheduled_job_type(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	job = frappe.get_doc("Scheduled Job Type", {"method": SLA_JOB})
	assert job.frequency == "Cron" and job.cron_format == "*/5 * * * *"

	# the job commits; the test keeps its own transaction so that the rollback cleans up
	with clock(T0 + hours(73)), patch.object(frappe.db, "commit"):
		job.execute()
		job.execute()
	escalated = reload(case)
	assert (escalated.handling_level, escalated.escalation_count) == ("Town", 1)
	assert len(comments(case, ESCALATED)) == 1


@pytest.fixture
def village_world():
	w = make_world()
	w.rule = make_sla_rule(w, handling_level="Village", resolution_hours=72, escalate_after_hours=24)
	make_sla_rule(w, handling_level="Town", resolution_hours=168)
	w.staff = members(w.station_p1)[1]
	frappe.get_doc(
		{
			"doctype": "Jurisdiction Assignment",
			"user": w.staff,
			"role": VILLAGE_STAFF,
			"jurisdiction": w.village_p1,
			"valid_from": frappe.utils.getdate(),
		}
	).insert(ignore_permissions=True)
	return w


def test_village_queue_loses_the_escalated_case(village_world):
	w = village_world
	with clock(T0):
		case = make_dispute(w.grid_p1)

	def queue_as_staff():
		frappe.set_user(w.staff)
		try:
			listed = frappe.get_list("Dispute", filters={"handling_unit": w.station_p1}, pluck="name")
			with clock(T0 + hours(80)):
				_columns, rows = overdue_queue({"jurisdiction": w.village_p1, "handling_unit": w.station_p1})
			return listed, [row.case for row in rows]
		finally:
			frappe.set_user("Administrator")

	run_sla_job(now=T0 + hours(80))  # overdue, within the grace period
	listed, overdue = queue_as_staff()
	assert case.name in listed and case.name in overdue

	run_sla_job(now=T0 + hours(97))  # escalated to the town
	listed, overdue = queue_as_staff()
	assert case.name not in listed and case.name not in overdue
	frappe.set_user(w.staff)
	try:
		assert frappe.has_permission("Dispute", "read", doc=reload(case))  # still in their territory
	finally:
		frappe.set_user("Administrator")



def test_what_the_job_stores_is_in_the_sites_language_with_dates_for_people(world):
	"""The job runs in English (frappe.local.lang en, as scheduled jobs and the CLI do); the timeline
	entry, the early warning and the notifications it stores are read by the district's staff: Chinese,
	with dates as people write them, not 2026-03-05 09:00:00."""
	frappe.db.set_value("SLA Rule", world.town_rule, "on_breach", sla.RAISE_WARNING)
	with clock(T0):
		case = make_dispute(world.grid_p1)
	frappe.local.lang = "en"
	run_sla_job(now=T0 + hours(73))
	assert frappe.local.lang == "en"  # the job's own language is left as it was

	entry = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Dispute", "reference_name": case.name, "comment_type": "Info"},
		pluck="content",
	)
	assert len(entry) == 1
	assert "已由" in entry[0] and "上交至" in entry[0], entry[0]
	assert "2026年3月5日 09:00" in entry[0], entry[0]  # the village deadline, T0 + 72 h
	assert "2026-03-05" not in entry[0]

	# the notifications' texts and dates: tests/test_notifications.py

	# the town's deadline passes too: no level above is configured to escalate, so a warning
	frappe.local.lang = "en"
	escalated = reload(case)
	run_sla_job(now=escalated.resolution_due + hours(1))
	message = frappe.get_value(
		"Early Warning", {"case_doctype": "Dispute", "case_name": case.name, "sla_rule": world.town_rule}, "message"
	)
	due = escalated.resolution_due
	assert message.startswith(f"自{due.year}年{due.month}月{due.day}日 {due:%H:%M}起超期"), message
