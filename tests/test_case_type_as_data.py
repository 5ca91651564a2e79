"""A new case type is data (docs/architecture.md, "Cases"): a DocType carrying the case contract, its
Case Type, Workflow, SLA Rules, Routing Rule and Case Category — and no edit of Python lists.

The contract is checked over every case DocType, and a DocType claiming it without all of it is
refused. A scratch case type 环境投诉 ("Environmental Complaint") is made as data in this test (a
custom DocType, as the desk or a profile would make it) and run through triage, routing, assignment,
SLA, escalation village → town and the public portal."""

import frappe
import pytest
from frappe.model.workflow import apply_workflow
from frappe.utils import getdate
from xinqu_governance.cases import sla
from xinqu_governance.cases.case_types import (
	CASE_CONTRACT,
	CaseContractError,
	case_doctypes,
	contract_gaps,
	missing_contract_fields,
)
from xinqu_governance.cases.doctype.case_category.case_category import categories_for
from xinqu_governance.cases.doctype.case_type.case_type import portal_case_types, triage_targets
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.cases.report.governance_measures.governance_measures import execute as governance_measures
from xinqu_governance.cases.triage import triage_grid_event
from xinqu_governance.portal.submission import case_progress, file_submission, submission_types
from xinqu_governance.www.petition.index import submission_type_choices

from tests.case_factories import act, case_profile, make_case
from tests.test_case_rules_support import (
	T0,
	clock,
	hours,
	make_category,
	make_routing_rule,
	make_sla_rule,
	make_unit,
	make_world,
	members,
)

# the district's case workflows (the grid event's among them: verified before it is triaged)
pytestmark = pytest.mark.usefixtures("case_profile")

SCRATCH = "Environmental Complaint"  # 环境投诉
SCRATCH_LABEL = "An environmental complaint"
WORKFLOW = f"{SCRATCH} Workflow"
PENDING, AT_TOWN, RESOLVED = "Pending", "Handling at Town", "Resolved"
ESCALATE, RESOLVE = "Escalate to Town", "Resolve"


def contract_docfields(leave_out: str | None = None) -> list[dict]:
	"""The case contract as DocFields of a new DocType (all of it, or all but `leave_out`)."""
	fields = []
	for fieldname, (fieldtype, options) in CASE_CONTRACT.items():
		if fieldname == leave_out:
			continue
		field = {"fieldname": fieldname, "fieldtype": fieldtype, "label": fieldname.replace("_", " ").title()}
		if options:
			field["options"] = options
		fields.append(field)
	return fields


def scratch_doctype(name: str, leave_out: str | None = None) -> dict:
	"""A custom DocType of module Cases with the contract and a complaint's own fields."""
	own_fields = [
		{"fieldname": "subject", "fieldtype": "Data", "label": "Subject", "reqd": 1},
		{"fieldname": "description", "fieldtype": "Text", "label": "Description"},
		{"fieldname": "location", "fieldtype": "Data", "label": "Location"},
		{"fieldname": "contact_name", "fieldtype": "Data", "label": "Contact Name"},
		{"fieldname": "contact_phone", "fieldtype": "Data", "label": "Contact Phone"},
		{"fieldname": "source_event", "fieldtype": "Link", "label": "Source Event", "options": "Grid Event"},
		# the resident's own rating, given on /petition/track: counted by the measures report
		{
			"fieldname": "self_rating",
			"fieldtype": "Select",
			"label": "Self Rating",
			"options": "\nSatisfied\nBasically Satisfied\nDissatisfied",
		},
	]
	return {
		"doctype": "DocType",
		"name": name,
		"module": "Cases",
		"custom": 1,
		"autoname": "hash",
		"track_changes": 1,
		"fields": own_fields + contract_docfields(leave_out),
		"permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1}],
	}


def ensure(doctype: str, name: str, values: dict) -> None:
	if not frappe.db.exists(doctype, name):
		frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)


@pytest.fixture(scope="module")
def scratch_type():
	"""The scratch case type, made as data and committed (a DocType is DDL), removed afterwards."""
	frappe.set_user("Administrator")
	remove_scratch_type()
	frappe.get_doc(scratch_doctype(SCRATCH)).insert()
	frappe.get_doc(
		{
			"doctype": "Case Type",
			"case_doctype": SCRATCH,
			"is_triage_target": 1,
			"portal_label": SCRATCH_LABEL,
			"intake_fields": [
				{"intake_value": "Description", "case_field": "description"},
				{"intake_value": "Location", "case_field": "location", "applies_to": "Grid Event"},
				{"intake_value": "Contact Name", "case_field": "contact_name"},
				{"intake_value": "Contact Phone", "case_field": "contact_phone"},
			],
		}
	).insert()
	for state in (PENDING, AT_TOWN, RESOLVED):
		ensure("Workflow State", state, {"workflow_state_name": state})
	for action in (ESCALATE, RESOLVE):
		ensure("Workflow Action Master", action, {"workflow_action_name": action})
	frappe.get_doc(
		{
			"doctype": "Workflow",
			"workflow_name": WORKFLOW,
			"document_type": SCRATCH,
			"is_active": 1,
			"workflow_state_field": "workflow_state",
			"send_email_alert": 0,
			"states": [
				{"state": PENDING, "doc_status": "0", "allow_edit": "System Manager"},
				{
					"state": AT_TOWN,
					"doc_status": "0",
					"allow_edit": "System Manager",
					"update_field": "handling_level",
					"update_value": "Town",
				},
				{"state": RESOLVED, "doc_status": "0", "allow_edit": "System Manager", "closes_case": 1},
			],
			"transitions": [
				{"state": PENDING, "action": ESCALATE, "next_state": AT_TOWN, "allowed": "System Manager"},
				{"state": AT_TOWN, "action": RESOLVE, "next_state": RESOLVED, "allowed": "System Manager"},
				{"state": PENDING, "action": RESOLVE, "next_state": RESOLVED, "allowed": "System Manager"},
			],
		}
	).insert()
	frappe.db.commit()
	yield SCRATCH
	remove_scratch_type()


def remove_scratch_type() -> None:
	frappe.db.rollback()
	if frappe.db.exists("DocType", SCRATCH):
		references = {
			"Public Submission": "reference_doctype",
			"ToDo": "reference_type",
			"Comment": "reference_doctype",
			"Version": "ref_doctype",
		}
		for doctype, field in references.items():
			frappe.db.delete(doctype, {field: SCRATCH})
	if frappe.db.exists("Workflow", WORKFLOW):
		frappe.delete_doc("Workflow", WORKFLOW, ignore_permissions=True, force=True)
	if frappe.db.exists("Case Type", SCRATCH):
		frappe.delete_doc("Case Type", SCRATCH, ignore_permissions=True, force=True)
	if frappe.db.exists("DocType", SCRATCH):
		frappe.delete_doc("DocType", SCRATCH, ignore_permissions=True, force=True)
	frappe.db.commit()
	frappe.clear_cache()  # also the cached case DocTypes (hooks.py `clear_cache`)
	assert SCRATCH not in case_doctypes()


# ------------------------------------------------------------------ the contract


def test_every_case_doctype_carries_the_whole_contract():
	doctypes = case_doctypes()
	assert {"Dispute", "Petition", "Service Request", "Grid Event"} <= set(doctypes)
	for doctype in doctypes:
		assert missing_contract_fields(doctype) == [], doctype


def test_a_missing_or_mistyped_contract_field_is_found():
	dispute = [field.as_dict() for field in frappe.get_meta("Dispute").fields]
	assert contract_gaps(dispute) == []
	without = [field for field in dispute if field.fieldname != "escalation_count"]
	assert contract_gaps(without) == ["escalation_count is missing"]
	mistyped = [
		{**field, "options": "User"} if field.fieldname == "handling_unit" else field for field in dispute
	]
	assert contract_gaps(mistyped) == ["handling_unit must link to Handling Unit"]


def test_a_doctype_claiming_the_contract_without_all_of_it_is_refused():
	name = f"Incomplete Case {frappe.generate_hash(length=6)}"
	with pytest.raises(CaseContractError, match="sla_check_at is missing"):
		frappe.get_doc(scratch_doctype(name, leave_out="sla_check_at")).insert()
	assert not frappe.db.exists("DocType", name)


# ------------------------------------------------------------------ a case type added as data


@pytest.fixture
def world(scratch_type):
	w = make_world()
	w.environment = make_category(f"环境污染{w.tag}", SCRATCH)
	w.category_use = frappe.get_doc("Case Category", w.environment)
	w.category_use.append("used_for", {"case_type": "Grid Event"})
	w.category_use.save(ignore_permissions=True)
	# the town's environmental office takes escalated complaints (not the town centre)
	w.env_office = make_unit(f"小峡{w.tag}生态环境所", "Town", w.town_p)
	make_routing_rule(
		w.town_p, "Town", case_doctype=SCRATCH, category=w.environment, lead_unit=w.env_office, at_intake=0
	)
	make_sla_rule(
		w,
		case_doctype=SCRATCH,
		handling_level="Village",
		resolution_hours=48,
		on_breach=sla.ESCALATE_AUTOMATICALLY,
	)
	make_sla_rule(w, case_doctype=SCRATCH, handling_level="Town", resolution_hours=120)
	return w


def reload(doc):
	return frappe.get_doc(doc.doctype, doc.name)


def test_the_case_type_is_found_from_the_data(world):
	assert SCRATCH in case_doctypes()
	assert SCRATCH in triage_targets()
	assert portal_case_types()[SCRATCH] == SCRATCH_LABEL
	assert (SCRATCH, SCRATCH_LABEL) in submission_type_choices()
	assert world.environment in categories_for(SCRATCH)
	assert world.environment not in categories_for("Petition")
	assert world.neighbours not in categories_for(SCRATCH)  # a dispute category


def test_a_grid_event_is_triaged_routed_timed_and_escalated(world):
	with clock(T0):
		event = make_case(
			"Grid Event",
			world.grid_p1,
			subject="河道旁有人倾倒建筑垃圾",
			description="幸福村北侧河道旁连续三天有车辆夜间倾倒建筑垃圾",
			location="幸福村北侧河道",
			contact_name="李四",
			contact_phone="13912345678",
			category=world.environment,
			event_type="Hazard",
			reported_on=T0,
		)
		event = act(event, "Verify Event", "Administrator")
		triaged = triage_grid_event(event.name, SCRATCH)
	assert triaged["doctype"] == SCRATCH
	case = frappe.get_doc(SCRATCH, triaged["name"])
	assert reload(event).triaged_to == case.name and case.source_event == event.name
	assert (case.subject, case.category, case.jurisdiction) == (event.subject, world.environment, world.grid_p1)
	assert case.description == event.description and case.location == event.location
	assert (case.contact_name, case.contact_phone) == ("李四", "13912345678")

	# routing and assignment at intake, the SLA deadline, the workflow's first state
	assert (case.workflow_state, case.handling_level) == (PENDING, "Village")
	assert case.handling_unit == world.station_p1
	assert case.assigned_to in members(world.station_p1)
	assert frappe.db.exists(
		"ToDo",
		{"reference_type": SCRATCH, "reference_name": case.name, "allocated_to": case.assigned_to, "status": "Open"},
	)
	assert case.resolution_due == T0 + hours(48)
	assert case.sla_status == sla.ON_TRACK

	# overdue: escalated to the town, along the workflow, to the unit the routing rule names
	summary = run_sla_job(now=T0 + hours(49))
	assert [SCRATCH, case.name] in summary.escalated
	escalated = reload(case)
	assert (escalated.workflow_state, escalated.handling_level) == (AT_TOWN, "Town")
	assert escalated.handling_unit == world.env_office
	assert escalated.assigned_to in members(world.env_office)
	assert escalated.escalation_count == 1
	assert escalated.resolution_due == T0 + hours(49 + 120)

	# closing through its workflow stamps the contract's closed_on
	apply_workflow(escalated, RESOLVE)
	assert reload(case).closed_on


def test_a_resident_files_and_tracks_it_on_the_portal(world):
	assert submission_types()[SCRATCH] == SCRATCH_LABEL
	with clock(T0):
		result = file_submission(
			{
				"submission_type": SCRATCH,
				"jurisdiction": world.village_p1,
				"full_name": "王五",
				"phone": "13800001111",
				"category": world.environment,
				"content": "村口养殖场的污水直接排进了水渠，气味很大",
			}
		)
	case = frappe.get_doc(SCRATCH, result["case_number"])
	assert (case.contact_name, case.contact_phone) == ("王五", "13800001111")
	assert case.description == "村口养殖场的污水直接排进了水渠，气味很大"
	assert case.category == world.environment and case.jurisdiction == world.village_p1
	assert case.handling_unit == world.station_p1 and case.assigned_to in members(world.station_p1)
	assert case.resolution_due == T0 + hours(48)

	progress = case_progress(result["tracking_code"])
	assert progress["case_number"] == case.name and progress["submission_type"] == SCRATCH
	assert (progress["handling_unit"], progress["due_on"]) == (world.station_p1, case.resolution_due)
	assert not progress["is_closed"]
	apply_workflow(case, RESOLVE)
	assert case_progress(result["tracking_code"])["is_closed"]


def test_its_residents_ratings_count_in_the_measures(world):
	with clock(T0):
		cases = [make_case(SCRATCH, world.village_p1, contact_name=f"居民{i}") for i in range(3)]
	for case, rating in zip(cases, ("Satisfied", "Dissatisfied", "Basically Satisfied"), strict=True):
		apply_workflow(case, RESOLVE)
		frappe.db.set_value(SCRATCH, case.name, "self_rating", rating)
	closed = getdate(reload(cases[0]).closed_on)
	_columns, rows, *_rest = governance_measures(
		frappe._dict(jurisdiction=world.city, from_date=closed, to_date=closed)
	)
	own = next(
		row for row in rows if row["indent"] == 0 and row["measure"] == "Satisfaction Rate (Residents' Own Ratings)"
	)
	assert own["this_period"] == 66.7  # 2 of 3: satisfied or basically satisfied


def test_a_category_for_another_type_is_refused_on_the_portal(world):
	with pytest.raises(frappe.ValidationError):
		file_submission(
			{
				"submission_type": SCRATCH,
				"jurisdiction": world.village_p1,
				"full_name": "王五",
				"phone": "13800001111",
				"category": world.neighbours,
				"content": "村口养殖场的污水直接排进了水渠",
			}
		)
	assert not frappe.get_all(SCRATCH, filters={"contact_name": "王五", "category": world.neighbours})


# ------------------------------------------------------------------ the patch from the old Select


def test_the_patch_turns_the_old_used_for_into_case_type_rows():
	"""A site from before the change has `used_for` as a column of fixed case types (All, Dispute, ...):
	the patch gives each category its Case Type row, leaves All as every type, and runs twice alike."""
	from xinqu_governance.patches.v1_0 import case_category_used_for_case_types as patch

	names = {}
	for value in ("All", "Dispute", "Petition"):
		names[value] = frappe.get_doc(
			{"doctype": "Case Category", "category_name": f"旧类别{value}{frappe.generate_hash(length=6)}"}
		).insert(ignore_permissions=True).name
	table = frappe.qb.Table("tabCase Category")
	frappe.db.commit()
	frappe.db.sql_ddl("ALTER TABLE `tabCase Category` ADD COLUMN IF NOT EXISTS `used_for` varchar(140)")
	try:
		frappe.clear_cache()
		for value, name in names.items():
			frappe.qb.update(table).set(table.used_for, value).where(table.name == name).run()
		patch.execute()
		patch.execute()
		rows = {
			value: sorted(use.case_type for use in frappe.get_doc("Case Category", name).used_for)
			for value, name in names.items()
		}
		assert rows == {"All": [], "Dispute": ["Dispute"], "Petition": ["Petition"]}
		assert categories_for("Petition").count(names["Petition"]) == 1
		assert names["Dispute"] not in categories_for("Petition")
		assert not frappe.qb.from_(table).select(table.name).where(table.used_for.isnotnull()).run()
	finally:
		frappe.db.rollback()
		for name in names.values():
			frappe.delete_doc("Case Category", name, ignore_permissions=True, force=True)
		frappe.db.commit()
		frappe.db.sql_ddl("ALTER TABLE `tabCase Category` DROP COLUMN IF EXISTS `used_for`")
		frappe.clear_cache()
