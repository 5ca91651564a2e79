"""Work reaches people: the district profile's Notification records (fixtures/notification.json) tell
exactly the right people once, by the desk bell and by email through a real SMTP server on loopback;
residents get an SMS through Frappe's SMS Settings (tests/test_notifications_sms.py).

These tests flush Frappe's email queue (`frappe.email.queue.flush`, as the scheduler does), which
commits: every record they make is purged afterwards (the `world` fixture).
"""

import datetime
import re

import frappe
import pytest
from frappe.email.queue import flush
from xinqu_governance.cases import sla
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.cases.supervision import record_breached_supervisions

from tests.case_factories import case_profile, make_case, purge_cases, unique  # noqa: F401 (a fixture)
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
		frappe.get_doc({"doctype": "Case Category", "category_name": unique("通知测试")})
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
	# the field holding the case's node: Supervision.jurisdiction, the others' case_jurisdiction
	for doctype, node_field in (
		("Supervision", "jurisdiction"),
		("Early Warning", "case_jurisdiction"),
		("Accountability Record", "case_jurisdiction"),
	):
		names = frappe.get_all(doctype, filters={node_field: ("in", nodes)}, pluck="name")
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


def make_dispute(world, **fields):
	with clock(T0):
		return make_case(
			"Dispute",
			world.grid_a1,
			how_found="Visit",
			category=world.category,
			case_owner=world.leader,
			reported_on=T0,
			**fields,
		)


def supervise(case, user, deadline, at=T0):
	frappe.set_user(user)
	try:
		with clock(at):
			return frappe.get_doc(
				{
					"doctype": "Supervision",
					"case_doctype": case.doctype,
					"case_name": case.name,
					"kind": "Yellow Card",
					"deadline": deadline,
					"instruction": "限期化解并报告",
				}
			).insert()
	finally:
		frappe.set_user("Administrator")


def test_supervision_issued_answered_and_breached_reach_the_right_people_once(world):
	case = make_dispute(world)
	answered = supervise(case, world.leader, T0 + hours(48))
	assert answered.responsible_user == world.staff
	send_queued_mail()
	# issued: the responsible officer and the unit's supervisor (the officer is a member too: once)
	issued = "请于2026年3月4日 09:00前答复"
	assert received(world.outbox, issued) == sorted([email_of(world.staff), email_of(world.village_chief)])
	assert bell("Supervision", answered.name, "督办") == sorted([world.staff, world.village_chief])
	(mail,) = mails_to(world.outbox, email_of(world.staff), issued)
	assert links_to(body_of(mail), case) and "限期化解并报告" in body_of(mail)

	world.outbox.clear()
	frappe.set_user(world.staff)
	with clock(T0 + hours(5)):
		reply = frappe.get_doc("Supervision", answered.name)
		reply.reply = "已入户调解，双方达成协议。"
		reply.save()
	frappe.set_user("Administrator")
	send_queued_mail()
	assert received(world.outbox, "已答复") == [email_of(world.leader)]  # the issuer
	(mail,) = mails_to(world.outbox, email_of(world.leader), "已答复")
	assert "2026年3月2日 14:00" in body_of(mail) and "已入户调解" in body_of(mail)

	world.outbox.clear()
	unanswered = supervise(case, world.leader, T0 + hours(24))
	send_queued_mail()
	world.outbox.clear()
	(record,) = record_breached_supervisions(now=T0 + hours(25))
	send_queued_mail()
	breach = "逾期未答复"
	assert received(world.outbox, breach) == sorted(
		[email_of(world.staff), email_of(world.leader), email_of(world.village_chief)]
	)
	assert bell("Accountability Record", record, unanswered.name) == sorted(
		[world.staff, world.leader, world.village_chief]
	)
	assert record_breached_supervisions(now=T0 + hours(30)) == []  # once


def test_a_day_before_an_unanswered_supervision_is_due_its_people_are_reminded(world):
	"""Frappe's daily Notification trigger ("Days Before" the deadline), on today's real date."""
	from frappe.email.doctype.notification.notification import trigger_daily_alerts

	case = make_dispute(world)
	now = frappe.utils.now_datetime()
	due_tomorrow = supervise(case, world.leader, now + datetime.timedelta(days=1), at=now)
	answered = supervise(case, world.leader, now + datetime.timedelta(days=1), at=now)
	frappe.db.set_value("Supervision", answered.name, {"reply": "已办结", "status": "Replied"})
	send_queued_mail()
	world.outbox.clear()

	trigger_daily_alerts()
	send_queued_mail()
	reminder = "尚未答复"
	assert received(world.outbox, reminder) == sorted([email_of(world.staff), email_of(world.village_chief)])
	(mail,) = mails_to(world.outbox, email_of(world.staff), reminder)
	assert due_tomorrow.name in str(mail["Subject"]) and answered.name not in str(mail["Subject"])


def test_an_early_warning_reaches_the_level_above_and_the_units_supervisor_once(world):
	rule = frappe.get_doc(
		{
			"doctype": "Early Warning Rule",
			"rule_name": unique("通知测试预警"),
			"rule_type": "People Involved",
			"case_doctype": "Dispute",
			"people_field": "people_involved",
			# above the profile's 50-people band (its rules may be on the site): of the bands reached
			# only the highest raises, so this one
			"people_threshold": 60,
			"level": "Orange",
		}
	).insert(ignore_permissions=True)
	world.rules.insert(0, ("Early Warning Rule", rule.name))
	case = make_dispute(world, people_involved=80)
	(warning,) = frappe.get_all("Early Warning", filters={"case_name": case.name}, pluck="name")
	assert frappe.db.get_value("Early Warning", warning, "rule") == rule.name
	send_queued_mail()
	# the town above the village (its officers) and the supervisor of the village unit handling it
	expected = sorted([world.town_officer, world.town_chief, world.village_chief])
	assert received(world.outbox, "预警") == sorted(email_of(user) for user in expected)
	assert bell("Early Warning", warning, "预警") == expected
	(mail,) = mails_to(world.outbox, email_of(world.town_chief), "预警")
	assert "橙" in str(mail["Subject"]) and links_to(body_of(mail), case)

	case.reload()
	case.description = "再次核实人数"
	case.save(ignore_permissions=True)  # saved again: the warning is not raised, nobody told again
	count = len(world.outbox.mails)
	send_queued_mail()
	assert len(world.outbox.mails) == count


def test_people_dates_are_one_function_in_templates_and_stored_text():
	from xinqu_governance.cases.notifications import xq_when
	from xinqu_governance.governance.site_language import human_datetime, in_site_language

	moment = datetime.datetime(2026, 12, 2, 14, 5, 33, 123456)
	frappe.local.lang = "en"  # whoever triggers it: the text is the site's (zh)
	assert xq_when(moment) == "2026年12月2日 14:05"
	assert frappe.render_template("{{ xq_when(d) }}", {"d": moment}) == "2026年12月2日 14:05"
	with in_site_language():
		assert human_datetime(moment) == xq_when(moment)
	assert frappe.local.lang == "en"


@pytest.mark.usefixtures("case_profile")
def test_a_petition_accepted_and_answered_is_told_to_its_owner_and_the_units_supervisor(world):
	from tests.case_factories import act

	petition = make_case(
		"Petition", world.village_a1, world.staff, case_owner=world.leader, petitioner_phone=None
	)
	petition = act(petition, "Accept", world.town_officer)
	petition = act(petition, "Assign to Unit", world.town_officer)
	frappe.db.set_value("Petition", petition.name, "reply", "经核实，已协调物业公司维修电梯。")
	petition = act(petition, "Send Reply", world.staff)
	send_queued_mail()
	expected = sorted([world.leader, world.village_chief])
	for told in ("已受理", "已答复"):
		assert received(world.outbox, f"信访件 {petition.name} {told}") == sorted(email_of(u) for u in expected)
		assert bell("Petition", petition.name, told) == expected
	(answered,) = mails_to(world.outbox, email_of(world.leader), "已答复")
	assert "已协调物业公司维修电梯" in body_of(answered) and links_to(body_of(answered), petition)


@pytest.mark.usefixtures("case_profile")
def test_a_workflow_step_to_the_town_tells_the_town_units_supervisor_and_the_case_owner(world):
	"""Not only the SLA job escalates: a service request the village transfers to the town is the
	town unit's now (the same Notification, a change of `handling_level`)."""
	from tests.case_factories import act

	request = make_case("Service Request", world.village_a1, world.staff, case_owner=world.leader)
	request = act(request, "Transfer to Town", world.staff)
	assert (request.handling_unit, request.assigned_to) == (world.town_unit, world.town_officer)
	send_queued_mail()
	expected = sorted([world.town_chief, world.leader])
	assert received(world.outbox, f"便民服务 {request.name} 已升级") == sorted(email_of(u) for u in expected)
	assert bell("Service Request", request.name, "已升级") == expected
	assert len(mails_to(world.outbox, email_of(world.town_officer), request.subject)) == 1  # assigned
