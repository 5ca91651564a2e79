"""When the SLA job looks at a case (`sla_check_at`, cases/sla_schedule.py): each case is due at its next
pending moment, a run reads only the due cases (its reads do not grow with the cases that are not due),
a breach the job has not acted on keeps the case due, a rule change makes the open cases due again, and
a form saved after the job moved the moment is not refused."""

import frappe
import pytest
from xinqu_governance.cases import sla
from xinqu_governance.cases.escalation import run_sla_job

from tests.test_case_rules_support import T0, clock, hours, make_dispute, make_sla_rule, make_world


@pytest.fixture
def world():
	w = make_world()
	w.village_rule = make_sla_rule(
		w, handling_level="Village", resolution_hours=72, warn_before_hours=12, on_breach=sla.RAISE_WARNING
	)
	return w


def check_at(case):
	return frappe.db.get_value(case.doctype, case.name, "sla_check_at")


def test_each_case_is_due_at_its_next_pending_moment(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	assert check_at(case) == T0 + hours(60)  # the start of the 12 h window
	run_sla_job(now=T0 + hours(59))
	assert (check_at(case), frappe.db.get_value("Dispute", case.name, "sla_status")) == (T0 + hours(60), sla.ON_TRACK)
	run_sla_job(now=T0 + hours(61))
	assert frappe.db.get_value("Dispute", case.name, "sla_status") == sla.DUE_SOON
	assert check_at(case) == T0 + hours(72)  # the deadline
	run_sla_job(now=T0 + hours(73))  # overdue, and the rule asks a human: one warning
	assert frappe.db.count("Early Warning", {"case_name": case.name, "sla_rule": world.village_rule}) == 1
	assert check_at(case) is None  # nothing more to do for this deadline
	doc = frappe.get_doc("Dispute", case.name)
	doc.flags.ignore_permissions = True
	doc.save()
	assert check_at(case) is None


def test_closed_and_withdrawn_cases_are_never_due(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	doc = frappe.get_doc("Dispute", case.name)
	doc.is_withdrawn = 1
	doc.flags.ignore_permissions = True
	from xinqu_governance.cases.edit_rights import mark_system_write

	mark_system_write(doc)
	doc.save()
	assert check_at(case) is None


def test_an_overdue_case_rule_keeps_the_case_due_until_its_warning(world):
	rule = frappe.get_doc(
		{
			"doctype": "Early Warning Rule",
			"rule_name": f"超期{frappe.generate_hash(length=6)}",
			"rule_type": "Overdue Case",
			"case_doctype": "Dispute",
			"overdue_hours": 24,
			"level": "Red",
			"is_active": 1,
		}
	).insert(ignore_permissions=True)
	with clock(T0):
		case = make_dispute(world.grid_p1)
	run_sla_job(now=T0 + hours(73))  # the SLA rule's warning; the 24 h rule is still ahead
	assert check_at(case) == T0 + hours(72 + 24)
	run_sla_job(now=T0 + hours(97))
	assert frappe.db.count("Early Warning", {"case_name": case.name, "rule": rule.name}) == 1
	assert check_at(case) is None


def test_a_rule_change_makes_the_open_cases_due_and_the_next_run_applies_it(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	rule = frappe.get_doc("SLA Rule", world.village_rule)
	rule.warn_before_hours = 48
	rule.save(ignore_permissions=True)
	assert check_at(case) == frappe.db.get_value("Dispute", case.name, "reported_on")  # due at once
	run_sla_job(now=T0 + hours(30))  # 42 h left: inside the new 48 h window
	assert frappe.db.get_value("Dispute", case.name, "sla_status") == sla.DUE_SOON
	assert check_at(case) == T0 + hours(72)


def test_a_form_saved_after_the_job_moved_the_moment_is_not_refused(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	stale = frappe.get_doc("Dispute", case.name)  # opened before the job ran
	run_sla_job(now=T0 + hours(61))
	stale.subject = "邻里纠纷（补充）"
	stale.flags.ignore_permissions = True
	stale.save()  # sla_status and sla_check_at are the job's: put back, not refused
	assert frappe.db.get_value("Dispute", case.name, ["sla_status", "sla_check_at"]) == (
		sla.DUE_SOON,
		T0 + hours(72),
	)


def rows_read(action) -> int:
	"""Rows MariaDB read for `action` in this session (index and table reads, Handler_read_*)."""

	def reads():
		rows = frappe.db.sql("show session status like 'Handler_read%%'", as_dict=True)
		return sum(int(row.Value) for row in rows)

	before = reads()
	action()
	return reads() - before


def test_a_run_reads_the_same_whatever_the_number_of_cases_not_due(world):
	"""Cost what is due: a run with nothing due reads as many rows with 40 open cases as with 80. The
	county rule's 100 h window holds the village cases (due at T0 + 72 h) without governing them: a run
	scanning each rule's window would read them all."""
	make_sla_rule(world, handling_level="County", resolution_hours=240, warn_before_hours=100)
	moment = T0 + hours(10)
	with clock(T0):
		for _ in range(40):
			make_dispute(world.grid_p1)
	run_sla_job(now=moment)  # anything else the site had due is handled once
	first = rows_read(lambda: run_sla_job(now=moment))
	with clock(T0):
		for _ in range(40):
			make_dispute(world.grid_p1)
	second = rows_read(lambda: run_sla_job(now=moment))
	assert second == first
