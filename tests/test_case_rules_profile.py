"""The district's rules are data in the profile (fixtures/sla_rule.json, routing_rule.json,
early_warning_rule.json): applied, they drive routing, deadlines and escalation through the real
workflows; changed in the JSON and applied again, the behaviour changes with no code change."""

import json

import frappe
import pytest
from frappe.model.workflow import apply_workflow
from xinqu_governance.cases import sla
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.profile import apply_profile

from tests.factories import REPO, copy_profile
from tests.test_case_rules_support import T0, clock, hours

GRID = "小峡镇幸福村第1网格"
VILLAGE_STAFF = "villagestaff@xinqu.example"


@pytest.fixture
def district(clean_site):
	"""The district profile applied; rolled back afterwards (clean_site)."""
	apply_profile(REPO)


def new_dispute(jurisdiction=GRID, **fields):
	return frappe.get_doc(
		{
			"doctype": "Dispute",
			"subject": "楼上漏水引发邻里纠纷",
			"how_found": "Grid Report",
			"jurisdiction": jurisdiction,
			"reported_on": sla.now(),
			**fields,
		}
	).insert()


def accept_as_village_staff(case):
	frappe.set_user(VILLAGE_STAFF)
	try:
		return apply_workflow(frappe.get_doc("Dispute", case.name), "Accept")
	finally:
		frappe.set_user("Administrator")


def test_a_dispute_climbs_the_ladder_by_the_district_rules(district):
	with clock(T0):
		case = new_dispute(category="邻里纠纷")
	assert (case.workflow_state, case.handling_unit, case.assigned_to) == (
		"Reported",
		"幸福村便民服务站",
		VILLAGE_STAFF,
	)
	assert case.resolution_due == T0 + hours(24)  # 矛盾纠纷-待受理

	with clock(T0 + hours(2)):
		case = accept_as_village_staff(case)
	assert case.workflow_state == "Mediation at Village"
	assert case.resolution_due == T0 + hours(2 + 240)  # 矛盾纠纷-村级调解

	run_sla_job(now=T0 + hours(243))
	case = frappe.get_doc("Dispute", case.name)
	assert case.workflow_state == "Mediation at Town"  # the workflow's own step "Escalate to Town"
	assert (case.handling_level, case.handling_unit) == ("Town", "小峡镇综治信访服务中心")
	assert case.assigned_to == "townofficer@xinqu.example"
	assert case.resolution_due == T0 + hours(243 + 360)  # 矛盾纠纷-镇级调解
	assert case.escalation_count == 1


def test_public_order_in_huzhu_goes_to_pingan_police(district):
	with clock(T0):
		case = new_dispute("高寨镇兴旺村第1网格", category="治安")
	assert (case.handling_level, case.handling_unit, case.assisting_unit) == (
		"County",
		"平安县公安局",
		"互助县公安局",
	)


def test_changing_a_rule_in_the_profile_changes_behaviour(district, tmp_path):
	profile = copy_profile(tmp_path)
	path = profile / "fixtures" / "sla_rule.json"
	rules = json.loads(path.read_text(encoding="utf-8"))
	village = next(rule for rule in rules if rule["name"] == "矛盾纠纷-村级调解")
	village["resolution_hours"] = 120
	village["on_breach"] = "Raise warning for a human"
	path.write_text(json.dumps(rules, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")

	summary = apply_profile(profile)
	assert ["updated", "SLA Rule", "矛盾纠纷-村级调解"] in summary["changes"]

	with clock(T0):
		case = accept_as_village_staff(new_dispute())
	assert case.resolution_due == T0 + hours(120)

	run_sla_job(now=T0 + hours(121))
	case = frappe.get_doc("Dispute", case.name)
	assert (case.workflow_state, case.handling_level, case.escalation_count) == (
		"Mediation at Village",
		"Village",
		0,
	)
	(warning,) = frappe.get_all(
		"Early Warning", filters={"case_name": case.name}, fields=["jurisdiction", "sla_rule"]
	)
	assert (warning.jurisdiction, warning.sla_rule) == ("小峡镇", "矛盾纠纷-村级调解")
