"""Work reaches people: the district profile's Notification records (fixtures/notification.json) tell
exactly the right people once, by the desk bell and by email through a real SMTP server on loopback;
residents get an SMS through Frappe's SMS Settings (tests/test_notifications_sms.py).

These tests flush Frappe's email queue (`frappe.email.queue.flush`, as the scheduler does), which
commits: every record they make is purged afterwards (the `world` fixture).
"""

import re

import frappe
import pytest
from frappe.email.queue import flush
from xinqu_governance.cases import sla
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.cases.supervision import record_breached_supervisions

from tests.case_factories import make_case, purge_cases, unique
from tests.factories import make_jurisdiction_tree, make_user_at, purge_tree
from tests.outbox import body_of, mails_to
from tests.test_case_rules_support import T0, clock, hours

RULE_DOCTYPES = ("SLA Rule", "Early Warning Rule", "Case Category")


def make_unit(level: str, jurisdiction: str, taking: list[str], supervisor: str) -> str:
	"""A unit whose `taking` members take its cases; `supervisor` supervises and takes none."""
	members = [{"user": user, "active": 1} for user in taking]
	members.append({"user": supervisor, "is_supervisor": 1, "active": 0})
	unit_type = {"Village": "Village Service Station", "Town": "Town Centre"}[level]
	return (
		frappe.get_doc(
			{
				"doctype": "Handling Unit",
				"unit_name": unique(f"通知测试{level}单位"),
				"unit_type": unit_type,
				"level": level,
				"jurisdiction": jurisdiction,
				"department": "Comprehensive Governance",
				"assignment_method": "Round Robin",
				"members": members,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


@pytest.fixture
def world(profile_notifications, mail_outbox):
	"""village A1's unit (staff takes cases, village_chief supervises), town A's unit (town_officer
	takes, town_chief supervises), a county leader who owns cases (包案), an SLA rule of its own
	category: 72 hours at the village, warned 12 hours before, escalated automatically."""
	tree = make_jurisdiction_tree()
	w = frappe._dict(tree, rules=[], outbox=mail_outbox)
	w.staff = make_user_at("Village Staff", tree.village_a1, prefix="xq-ntf-staff")
	w.village_chief = make_user_at("Village Staff", tree.village_a1, prefix="xq-ntf-vchief")
	w.town_officer = make_user_at("Town Officer", tree.town_a, prefix="xq-ntf-town")
	w.town_chief = make_user_at("Town Officer", tree.town_a, prefix="xq-ntf-tchief")
	w.leader = make_user_at("County Officer", tree.county, prefix="xq-ntf-leader")
	w.users = [w.staff, w.village_chief, w.town_officer, w.town_chief, w.leader]
	w.village_unit = make_unit("Village", tree.village_a1, [w.staff], w.village_chief)
	w.town_unit = make_unit("Town", tree.town_a, [w.town_officer], w.town_chief)
	w.category = (
		frappe.get_doc({"doctype": "Case Category", "category_name": unique("通知测试"), "used_for": "All"})
		.insert(ignore_permissions=True)
		.name
	)
	w.rules.append(("Case Category", w.category))
	for level, resolution, warn, on_breach in (
		("Village", 72, 12, sla.ESCALATE_AUTOMATICALLY),
		("Town", 168, 24, sla.RAISE_WARNING),
	):
		rule = frappe.get_doc(
			{
				"doctype": "SLA Rule",
				"rule_name": unique("通知测试SLA"),
				"case_doctype": "Dispute",
				"category": w.category,
				"handling_level": level,
				"priority": 100,
				"resolution_hours": resolution,
				"warn_before_hours": warn,
				"on_breach": on_breach,
			}
		).insert(ignore_permissions=True)
		w.rules.insert(0, ("SLA Rule", rule.name))
	frappe.db.commit()
	yield w
	frappe.db.rollback()
	purge_case_records(tree)
	purge_cases(tree, commit=False)
	for doctype, name in w.rules:
		frappe.db.delete(doctype, {"name": name})
	purge_tree(tree, w.users)


def purge_case_records(tree) -> None:
	lft, rgt = frappe.db.get_value("Jurisdiction", tree.city, ["lft", "rgt"])
	nodes = frappe.get_all("Jurisdiction", filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, pluck="name")
	for doctype in ("Supervision", "Early Warning", "Accountability Record"):
		names = frappe.get_all(doctype, filters={"case_jurisdiction" if doctype != "Supervision" else "jurisdiction": ("in", nodes)}, pluck="name")
		if names:
			frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", names)})
			frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": ("in", names)})
			frappe.db.delete("Notification Log", {"document_type": doctype, "document_name": ("in", names)})
			frappe.db.delete(doctype, {"name": ("in", names)})


def email_of(user: str) -> str:
	return frappe.db.get_value("User", user, "email")


def received(outbox, subject_part: str) -> list[str]:
	"""The recipients (one entry per message received) of the mails whose subject holds `subject_part`."""
	return sorted(
		rcpt
		for mail in outbox.mails
		if subject_part in str(mail["message"]["Subject"] or "")
		for rcpt in mail["rcpt_tos"]
	)


def bell(doctype: str, name: str, subject_part: str) -> list[str]:
	"""The users with a desk notification (Notification Log) on the record whose subject holds the text."""
	return sorted(
		frappe.get_all(
			"Notification Log",
			filters={"document_type": doctype, "document_name": name, "subject": ("like", f"%{subject_part}%")},
			pluck="for_user",
		)
	)


def links_to(body: str, case) -> bool:
	"""The mail links the case's desk form (/app/… on v15, /desk/… on v16)."""
	slug = frappe.scrub(case.doctype).replace("_", "-")
	return bool(re.search(rf'href="https?://[^"]+/(app|desk)/{slug}/{re.escape(case.name)}"', body))


def send_queued_mail() -> None:
	"""What the scheduler does every few minutes: commit, then flush Frappe's email queue."""
	frappe.db.commit()
	flush()


def test_sla_due_soon_overdue_and_escalation_each_reach_the_right_people_once(world):
	with clock(T0):
		case = make_case(
			"Dispute",
			world.grid_a1,
			how_found="Visit",
			category=world.category,
			case_owner=world.leader,
			reported_on=T0,
		)
	assert (case.handling_unit, case.assigned_to) == (world.village_unit, world.staff)

	run_sla_job(now=T0 + hours(61))  # 11 hours before the deadline T0 + 72 h: due soon
	send_queued_mail()
	assert received(world.outbox, "即将到期") == [email_of(world.staff)]
	(due_soon,) = mails_to(world.outbox, email_of(world.staff), "即将到期")
	assert "2026年3月5日 09:00" in str(due_soon["Subject"])  # the deadline as people write it
	body = body_of(due_soon)
	assert links_to(body, case)
	assert "2026-03-05" not in body
	assert bell("Dispute", case.name, "即将到期") == [world.staff]

	run_sla_job(now=T0 + hours(73))  # overdue, and the village rule escalates to the town
	send_queued_mail()
	escalated = frappe.get_doc("Dispute", case.name)
	assert (escalated.handling_level, escalated.handling_unit) == ("Town", world.town_unit)
	assert escalated.assigned_to == world.town_officer

	assert received(world.outbox, "已超期") == sorted([email_of(world.staff), email_of(world.village_chief)])
	assert bell("Dispute", case.name, "已超期") == sorted([world.staff, world.village_chief])
	# escalated to the town: its supervisor and the case owner; the new assignee by the assignment
	assert received(world.outbox, "已升级") == sorted([email_of(world.town_chief), email_of(world.leader)])
	assert bell("Dispute", case.name, "已升级") == sorted([world.town_chief, world.leader])
	(escalation,) = mails_to(world.outbox, email_of(world.leader), "已升级")
	assert "镇" in str(escalation["Subject"]) and links_to(body_of(escalation), case)
	assignment = frappe.get_all(
		"Notification Log",
		filters={"document_name": case.name, "type": "Assignment"},
		pluck="for_user",
	)
	# Frappe's own assignment notifications: the village assignee at intake (and when the assignment is
	# taken away), the town officer once, at the escalation; by the bell and by one email
	assert assignment.count(world.town_officer) == 1 and world.staff in assignment
	assert len(mails_to(world.outbox, email_of(world.town_officer), case.subject)) == 1

	# the job runs again: nobody is told twice
	count = len(world.outbox.mails)
	logs = frappe.db.count("Notification Log", {"document_name": case.name})
	run_sla_job(now=T0 + hours(73))
	run_sla_job(now=T0 + hours(74))
	send_queued_mail()
	assert len(world.outbox.mails) == count
	assert frappe.db.count("Notification Log", {"document_name": case.name}) == logs
