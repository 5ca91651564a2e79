"""Workflows are data: an administrator adds a state and a transition (or changes the level a transition
needs) in the profile's workflow JSON, applies the profile, and the system follows — no code change."""

import json

import frappe
import pytest
from frappe.model.workflow import get_transitions
from xinqu_governance.cases.workflow_guard import WorkflowLevelError
from xinqu_governance.profile import apply_profile

from tests.case_factories import (
	CASE_DOCTYPES,
	act,
	case_profile,
	make_case,
	new_tree,
	stage,
	unique,
	write_case_profile,
)
from tests.factories import REPO

pytestmark = pytest.mark.usefixtures("case_profile")

DISPUTE_WORKFLOW = "workflows/dispute_mediation.json"


@pytest.fixture
def people():
	return stage(new_tree())


@pytest.fixture
def profile_copy(tmp_path):
	"""A copy of the case workflows to edit; the site's workflows are put back afterwards."""
	yield write_case_profile(tmp_path)
	frappe.db.rollback()
	frappe.clear_cache()


def edit(profile, relative_path: str, change) -> None:
	path = profile / relative_path
	docs = json.loads(path.read_text(encoding="utf-8"))
	change(docs)
	path.write_text(json.dumps(docs, indent=1, ensure_ascii=False), encoding="utf-8")


def workflow_of(docs: list[dict]) -> dict:
	return next(doc for doc in docs if doc["doctype"] == "Workflow")


def test_a_new_state_and_transition_are_followed_after_applying_the_profile(people, profile_copy):
	def add_legal_aid(docs):
		docs.insert(
			0,
			{
				"doctype": "Workflow State",
				"name": "Referred to Legal Aid",
				"workflow_state_name": "Referred to Legal Aid",
				"style": "Info",
			},
		)
		docs.insert(
			0,
			{
				"doctype": "Workflow Action Master",
				"name": "Refer to Legal Aid",
				"workflow_action_name": "Refer to Legal Aid",
			},
		)
		workflow = workflow_of(docs)
		workflow["states"].append(
			{"state": "Referred to Legal Aid", "allow_edit": "Village Staff", "closes_case": 1}
		)
		workflow["transitions"].append(
			{
				"state": "Mediation at Village",
				"action": "Refer to Legal Aid",
				"next_state": "Referred to Legal Aid",
				"allowed": "Village Staff",
				"required_level": "Village",
				"condition": 'doc.mediation_type == "People\'s Mediation"',
			}
		)

	edit(profile_copy, DISPUTE_WORKFLOW, add_legal_aid)
	summary = apply_profile(profile_copy)
	assert ["updated", "Workflow", "Dispute Mediation"] in summary["changes"]
	frappe.clear_cache()

	dispute = make_case(
		"Dispute",
		people.village_a1,
		people.staff_a1,
		mediation_type="People's Mediation",
		outcome="Referred to Court",
		parties=[{"party_name": "张某", "satisfaction": "Satisfied"}],
	)
	dispute = act(dispute, "Accept", people.staff_a1)
	frappe.set_user(people.staff_a1)
	assert "Refer to Legal Aid" in {t.action for t in get_transitions(dispute)}
	frappe.set_user("Administrator")

	# the level the new transition needs is checked like any other
	from xinqu_governance.tests.factories import make_assignment

	make_assignment(people.staff_a2, "Town Officer", people.town_a)
	with pytest.raises(WorkflowLevelError):
		act(dispute, "Refer to Legal Aid", people.staff_a2)

	dispute = act(dispute, "Refer to Legal Aid", people.staff_a1)
	assert dispute.workflow_state == "Referred to Legal Aid"
	assert dispute.closed_on  # the new state closes the case: data, not code


def test_changing_the_required_level_in_the_profile_changes_who_may_act(people, profile_copy):
	dispute = make_case("Dispute", people.village_a1, people.staff_a1)

	def accept_only_at_town(docs):
		for row in workflow_of(docs)["transitions"]:
			if row["action"] == "Accept":
				row["required_level"] = "Town"

	edit(profile_copy, DISPUTE_WORKFLOW, accept_only_at_town)
	apply_profile(profile_copy)
	frappe.clear_cache()

	with pytest.raises(WorkflowLevelError):
		act(dispute, "Accept", people.staff_a1)  # Village Staff now has to stand at the town level


def test_the_shipped_workflows_are_what_the_site_runs(tmp_path):
	"""Applying the shipped profile files again changes nothing on a site that has them."""
	summary = apply_profile(write_case_profile(tmp_path))
	assert summary["inserted"] == 0 and summary["updated"] == 0, summary["changes"]
	workflows = {
		frappe.db.get_value("Workflow", {"document_type": doctype, "is_active": 1})
		for doctype in CASE_DOCTYPES
	}
	assert workflows == {
		"Dispute Mediation",
		"Petition Handling",
		"Service Request Handling",
		"Grid Event Handling",
		"Risk Assessment Approval",
		"Emergency Response",
	}


REPO_WORKFLOWS = sorted((REPO / "workflows").glob("*.json"))
# the nodes' size in the Workflow Builder at most (StateNode: padding 15 × 25 around a label of at
# most 110 px; ActionNode: padding 5 × 10 around the action's name)
NODE_SIZE = {"state": (200, 60), "action": (220, 40)}


def overlap(a: dict, b: dict) -> bool:
	(aw, ah), (bw, bh) = NODE_SIZE[a["type"]], NODE_SIZE[b["type"]]
	ax, ay, bx, by = a["position"]["x"], a["position"]["y"], b["position"]["x"], b["position"]["y"]
	return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


@pytest.mark.parametrize("path", REPO_WORKFLOWS, ids=lambda path: path.stem)
def test_every_workflow_ships_a_layout_for_the_workflow_builder(path):
	"""Without `workflow_data` Frappe's Workflow Builder puts every state on one line with the actions
	heaped on each other. Each shipped workflow has a node per state row and per transition (matched
	through `workflow_builder_id`, as frappe/public/js/workflow_builder/utils.js reads them), the edges
	state → action → state, and no two nodes on top of each other; the site keeps the layout."""
	workflow = next(doc for doc in json.loads(path.read_text()) if doc["doctype"] == "Workflow")
	elements = workflow["workflow_data"]
	nodes = {element["id"]: element for element in elements if element["type"] in NODE_SIZE}
	edges = {element["id"] for element in elements if element["type"] == "transition"}

	row_ids = [row.get("workflow_builder_id") for row in workflow["states"]]
	assert len(set(row_ids)) == len(row_ids) and None not in row_ids
	# one node per state row (a state has a row per role allowed to edit in it; rows sharing a node
	# lose all roles but one when the builder saves)
	assert {i for i, node in nodes.items() if node["type"] == "state"} == set(row_ids)
	state_ids = {}
	for row in workflow["states"]:
		state_ids.setdefault(row["state"], row["workflow_builder_id"])
	for transition in workflow["transitions"]:
		action = nodes[transition["workflow_builder_id"]]
		source, target = state_ids[transition["state"]], state_ids[transition["next_state"]]
		assert action["type"] == "action"
		assert action["data"] == {"from_id": source, "to_id": target}
		assert {f"edge-{source}-{action['id']}", f"edge-{action['id']}-{target}"} <= edges
	assert len(nodes) == len(row_ids) + len(workflow["transitions"])

	placed = list(nodes.values())
	clashes = [
		(a["id"], b["id"]) for i, a in enumerate(placed) for b in placed[i + 1 :] if overlap(a, b)
	]
	assert not clashes

	on_site = frappe.db.get_value("Workflow", workflow["name"], "workflow_data")
	assert json.loads(on_site) == elements


@pytest.fixture
def dispute_workflow():
	"""The site's Dispute workflow to change; put back afterwards."""
	yield frappe.get_doc("Workflow", "Dispute Mediation")
	frappe.db.rollback()
	frappe.clear_cache()


def without_state(workflow, state: str) -> None:
	workflow.states = [row for row in workflow.states if row.state != state]
	workflow.transitions = [
		row for row in workflow.transitions if state not in (row.state, row.next_state)
	]


def refused(workflow, error, match: str | None = None) -> None:
	"""Saving `workflow` fails; what the failed save wrote (Frappe's Workflow.validate deactivates the
	DocType's workflows before the hooks run) is undone, as the request's rollback would."""
	frappe.db.savepoint("workflow_change")
	with pytest.raises(error, match=match):
		workflow.save()
	frappe.db.rollback(save_point="workflow_change")


def test_a_workflow_change_that_would_break_the_cases_is_refused_in_chinese(people, dispute_workflow):
	from xinqu_governance.cases.workflow_changes import CaseWorkflowChangeError

	frappe.local.lang = "zh"
	case = make_case("Dispute", people.village_a1)
	frappe.db.set_value("Dispute", case.name, "workflow_state", "Mediation at Town")

	# a state cases are in
	workflow = frappe.get_doc("Workflow", "Dispute Mediation")
	without_state(workflow, "Mediation at Town")
	refused(workflow, CaseWorkflowChangeError, "无法删除状态.*仍有1件")

	# every closing state
	workflow = frappe.get_doc("Workflow", "Dispute Mediation")
	for row in workflow.states:
		row.closes_case = 0
	refused(workflow, CaseWorkflowChangeError, "至少需要一个结案状态")

	# a level that does not exist: set by a state, or required by a transition
	workflow = frappe.get_doc("Workflow", "Dispute Mediation")
	next(row for row in workflow.states if row.update_field == "handling_level").update_value = "Province"
	refused(workflow, CaseWorkflowChangeError, "该层级不存在")
	workflow = frappe.get_doc("Workflow", "Dispute Mediation")
	workflow.transitions[0].required_level = "Province"
	refused(workflow, frappe.ValidationError)

	# a state no case is in may go (one added for the test: no case anywhere is in it)
	spare = frappe.get_doc({"doctype": "Workflow State", "workflow_state_name": unique("待复核")}).insert()
	workflow = dispute_workflow
	workflow.append("states", {"state": spare.name, "allow_edit": "Village Staff"})
	workflow.append(
		"transitions",
		{"state": "Reported", "action": "Accept", "next_state": spare.name, "allowed": "Village Staff"},
	)
	workflow.save()
	without_state(workflow, spare.name)
	workflow.save()
	saved = frappe.get_doc("Workflow", workflow.name)
	assert saved.is_active and spare.name not in {row.state for row in saved.states}
