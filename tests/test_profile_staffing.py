"""Every unit staffed, every route right (issue 10): on the district profile, each Handling Unit has an
active member and a supervisor who can log in (with the demo app's password), hold their role where the unit works and have a Chinese
name; each Case Category of the profile goes, in each demo village, to the unit the 2015 guidance gives
it (§21, §27(3); the departments of §4, §10, §13, §15, §29 where it names no unit: the case's own
county, 以块为主) and someone there takes it; a risk assessment sent to review reaches a county
reviewer who can approve it.

The expectations below are the text's, written out here (not read from the routing rules): a new
category in the profile fails `test_every_profile_category_has_an_expected_unit` until its unit is
decided here and in fixtures/routing_rule.json.
"""

import json

import frappe
import pytest
from frappe.model.workflow import apply_workflow
from frappe.utils.password import check_password
from xinqu_governance.cases import assignment, routing
from xinqu_governance.cases.doctype.stability_risk_assessment.stability_risk_assessment import (
	NoApproverError,
)
from xinqu_governance.cases.workflow_guard import user_stands_at_level
from xinqu_demo.demo_data.accounts import DEMO_PASSWORD as PASSWORD
from xinqu_demo.demo_data.accounts import ensure_demo_passwords
from xinqu_governance.profile import apply_profile

from tests.factories import REPO, make_user_at
LEVEL_ROLE = {
	"Village": "Village Staff",
	"Town": "Town Officer",
	"District": "Town Officer",
	"County": "County Officer",
	"City": "City Supervisor",
}


def profile_docs(name: str) -> list[dict]:
	return json.loads((REPO / "fixtures" / name).read_text(encoding="utf-8"))


UNITS = profile_docs("handling_unit.json")
CATEGORIES = profile_docs("case_category.json")
NODES = {doc["name"]: doc for doc in profile_docs("jurisdiction.json")}
VILLAGES = sorted(name for name, doc in NODES.items() if doc["level"] == "Village")


def ancestor(node: str, level: str) -> str:
	while NODES[node]["level"] != level:
		node = NODES[node]["parent_jurisdiction"]
	return node


def first_grid(village: str) -> str:
	return min(name for name, doc in NODES.items() if doc.get("parent_jurisdiction") == village)


URBAN = ("占道经营", "乱倒垃圾", "乱搭乱建", "环境卫生", "交通秩序")
# where a case of each category goes when it reaches the county ({county}: the case's own county)
AT_COUNTY = {
	"治安": "平安县公安局",  # §27(3): 平安县公安局 管辖, 互助县公安局 协助
	"民族宗教": "平安县民宗局",  # §27(3): 平安县民宗局 主管
	**{category: "平安县城管局" for category in URBAN},  # §21, §27(3): 主要由平安县负责
	"教育": "{county}教育局",  # §27(3): 两县各管理1所
	"安全生产": "{county}安监局",
	"环境保护": "{county}环保局",
	"医疗卫生": "{county}卫计局",
	"食品药品": "{county}食药监局",
	"拆迁安置": "{county}住建局",
	"物业管理": "{county}住建局",
	"劳资纠纷": "{county}人社局",
	"土地纠纷": "{county}综治办",  # no department named: the county's comprehensive-governance office
	"邻里纠纷": "{county}司法局",  # disputes: county-level mediation (§6)
	"婚姻家庭": "{county}司法局",
	"涉法涉诉": "{county}信访局",
}
# a dispute without a department of its own is mediated by the county's justice bureau
DISPUTE_AT_COUNTY = {"土地纠纷": "{county}司法局"}
# categories the profile sends straight to the county at intake (the rest start at the village)
AT_INTAKE = {"治安", "民族宗教"}
ASSISTING = {"治安": lambda village: "互助县公安局", "民族宗教": lambda village: "小峡镇综治信访服务中心" if ancestor(village, "Town") == "小峡镇" else None}


def case_types_of(category: dict) -> list[str]:
	used_for = [row["case_type"] for row in category.get("used_for") or []]
	return used_for or ["Grid Event", "Dispute", "Petition"]


def expected_unit(category: str, case_type: str, village: str) -> str:
	county = ancestor(village, "County")
	if case_type == "Petition":
		pattern = "{county}信访局"  # county-level petitions: the county's petition bureau (属地)
	elif case_type == "Dispute":
		pattern = DISPUTE_AT_COUNTY.get(category, AT_COUNTY[category])
	else:
		pattern = AT_COUNTY[category]
	return pattern.format(county=county)


@pytest.fixture(scope="module")
def district():
	"""The district profile, committed (the routing reads it in every parametrised test), its people
	with the demo password (the demo app's; the profile publishes none)."""
	frappe.set_user("Administrator")
	apply_profile(str(REPO))
	ensure_demo_passwords(REPO)
	frappe.db.commit()


def unsaved_case(case_type: str, village: str, category: str):
	return frappe.get_doc({"doctype": case_type, "jurisdiction": first_grid(village), "category": category})


# ------------------------------------------------------------------------------------------------
# Staff


def test_every_profile_category_has_an_expected_unit():
	assert {category["name"] for category in CATEGORIES} == set(AT_COUNTY)


@pytest.mark.parametrize("unit", [doc["name"] for doc in UNITS])
def test_every_unit_has_an_active_member_and_a_supervisor_who_can_log_in(district, unit):
	doc = frappe.get_doc("Handling Unit", unit)
	assert doc.is_active
	members = assignment.active_members(unit)
	supervisors = assignment.available_supervisors(unit)
	assert members, f"{unit} has no active member"
	assert supervisors, f"{unit} has no supervisor"

	role = LEVEL_ROLE[doc.level]
	for user in {*members, *supervisors}:
		person = frappe.get_doc("User", user)
		assert person.enabled and person.user_type == "System User"
		assert "\u4e00" <= person.first_name[0] <= "\u9fff", f"{user}: {person.first_name}"
		assert check_password(user, PASSWORD) == user
		assert role in frappe.get_roles(user)
		# they hold the unit's role at its level over the unit's own node, so they can act on its cases
		assert user_stands_at_level(user, role, doc.level, doc.jurisdiction, (unit,)), (user, unit)


def test_every_county_department_the_text_names_exists(district):
	departments = {
		(doc["jurisdiction"], doc["department"]) for doc in UNITS if doc["level"] == "County"
	}
	for county in ("平安县", "互助县"):
		for department in (
			"Comprehensive Governance",
			"Public Security",
			"Education",
			"Justice",
			"Petition",
			"Work Safety",
			"Environment",
			"Health",
			"Food and Drugs",
			"Human Resources and Social Security",
			"Housing and Construction",
		):
			assert (county, department) in departments
	for department in ("Urban Management", "Ethnic and Religious Affairs", "Civil Affairs"):
		assert ("平安县", department) in departments


# ------------------------------------------------------------------------------------------------
# Routes: a test per category × demo village


@pytest.mark.parametrize("village", VILLAGES)
@pytest.mark.parametrize("category", [doc["name"] for doc in CATEGORIES])
def test_category_in_village_goes_to_the_texts_unit_and_someone_takes_it(district, category, village):
	used_for = next(doc for doc in CATEGORIES if doc["name"] == category)
	for case_type in case_types_of(used_for):
		case = unsaved_case(case_type, village, category)
		found = routing.route_to_level(case, "County")
		want = expected_unit(category, case_type, village)
		assert (found.level, found.lead_unit) == ("County", want), (case_type, found)
		if case_type == "Grid Event" and category in ASSISTING:
			assisting = ASSISTING[category](village)
			assert (found.assisting_units[:1] or [None])[0] == assisting

		routing.apply_route(case, found)
		assignee = assignment.assign(case)
		assert assignee in assignment.active_members(want), (case_type, want, assignee)
		assert user_stands_at_level(assignee, "County Officer", "County", case.jurisdiction, (want,))

	# at intake: straight to the county for the categories the profile routes there, else the village
	case = unsaved_case(case_types_of(used_for)[0], village, category)
	found = routing.route_at_intake(case)
	if category in AT_INTAKE:
		assert (found.level, found.lead_unit) == ("County", AT_COUNTY[category])
	else:
		assert (found.level, found.lead_unit) == ("Village", f"{village}便民服务站")
	routing.apply_route(case, found)
	assert assignment.assign(case) in assignment.active_members(found.lead_unit)


# ------------------------------------------------------------------------------------------------
# Risk assessments


def new_assessment(officer: str, town: str = "小峡镇"):
	frappe.set_user(officer)
	doc = frappe.get_doc(
		{
			"doctype": "Stability Risk Assessment",
			"subject": "安置小区改造项目社会稳定风险评估",
			"subject_type": "Construction Project",
			"risk_field": "Resettlement",
			"category": "拆迁安置",
			"jurisdiction": town,
			"assessment": "涉及安置户较多,评估为中风险。",
			"risk_level": "Medium",
			"measures": [{"risk_level": "Medium", "measure": "逐户走访,公开补偿依据。"}],
		}
	).insert()
	return doc


def test_a_risk_assessment_in_review_reaches_the_county_reviewer_who_approves_it(district):
	doc = new_assessment("townofficer@xinqu.example")
	assert doc.handling_unit == "小峡镇综治信访服务中心"

	apply_workflow(doc, "Submit for Review")
	doc.reload()
	# the review queue is the county's comprehensive-governance office's, whatever the field (拆迁安置)
	assert (doc.workflow_state, doc.handling_level, doc.handling_unit) == ("Under Review", "County", "平安县综治办")
	reviewer = doc.assigned_to
	assert reviewer in assignment.active_members("平安县综治办")
	assert frappe.db.exists(
		"ToDo", {"reference_type": doc.doctype, "reference_name": doc.name, "allocated_to": reviewer, "status": "Open"}
	)

	frappe.set_user(reviewer)
	apply_workflow(frappe.get_doc(doc.doctype, doc.name), "Approve")
	doc.reload()
	assert (doc.workflow_state, doc.is_approved, doc.approved_by) == ("Approved", 1, reviewer)


def test_a_risk_assessment_nobody_could_approve_is_not_sent_to_review(district):
	# the county office's only member stops taking cases and loses the county role: nobody can approve
	unit = frappe.get_doc("Handling Unit", "平安县综治办")
	reviewer = unit.members[0].user
	unit.members[0].active = 0
	unit.save(ignore_permissions=True)
	frappe.db.set_value("Jurisdiction Assignment", {"user": reviewer}, "valid_to", "2015-12-31")
	frappe.db.set_value("Jurisdiction Assignment", {"user": reviewer}, "is_active", 0)

	doc = new_assessment("townofficer@xinqu.example")
	with pytest.raises(NoApproverError):
		apply_workflow(doc, "Submit for Review")
	frappe.set_user("Administrator")
	assert frappe.db.get_value(doc.doctype, doc.name, "workflow_state") == "Draft"


def test_a_county_unit_can_work_the_other_countys_case_it_is_assigned(district):
	"""条块结合: 平安县公安局 handles public order in 互助县's 高寨镇 too; its officer holds County Officer
	at 平安县 only, and reads and works the case because it is shared with its assignee
	(`cases.assignment_todo.sync_assignment`)."""
	grid = first_grid("兴旺村")
	assert ancestor(grid, "County") == "互助县"
	case = frappe.get_doc(
		{
			"doctype": "Grid Event",
			"subject": "地下车库电动车电瓶被盗",
			"event_type": "Security Lead",
			"category": "治安",
			"jurisdiction": grid,
		}
	).insert(ignore_permissions=True)
	assert case.handling_unit == "平安县公安局"
	officer = case.assigned_to
	assert officer in assignment.active_members("平安县公安局")
	assert frappe.has_permission("Grid Event", "read", doc=case.name, user=officer)
	# and works it: the case is shared with its assignee for writing too
	assert frappe.has_permission("Grid Event", "write", doc=case.name, user=officer)
	frappe.set_user(officer)
	assert case.name in frappe.get_list("Grid Event", pluck="name")


def test_a_grid_worker_reports_a_case_the_other_countys_unit_handles(district):
	"""The same case reported by the grid's own grid worker, who may not share documents (no `share`
	DocPerm): the app shares it with its assignee before Frappe's `assign_to.add`, which would otherwise
	share it as the reporter and refuse the report ("No permission to share"; the demo's cases met it)."""
	grid = first_grid("兴旺村")
	worker = make_user_at("Grid Worker", grid, password=None)
	frappe.set_user(worker)
	assert not frappe.has_permission("Grid Event", "share")
	case = frappe.get_doc(
		{
			"doctype": "Grid Event",
			"subject": "小区门口有人兜售来历不明的电瓶",
			"event_type": "Security Lead",
			"category": "治安",
			"jurisdiction": grid,
		}
	).insert()
	frappe.set_user("Administrator")
	officer = case.assigned_to
	assert officer in assignment.active_members("平安县公安局")
	assert frappe.db.exists(
		"ToDo", {"reference_type": "Grid Event", "reference_name": case.name, "allocated_to": officer, "status": "Open"}
	)
	assert frappe.has_permission("Grid Event", "write", doc=case.name, user=officer)

