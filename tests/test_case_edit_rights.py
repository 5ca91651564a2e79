"""Who may change what on a case (issue 8 §2): fields only the system writes, the workflow state's edit
rights held at a node, closed cases read-only, and a failed mediation not closed at village level."""

import frappe
import pytest
from xinqu_governance.cases.edit_rights import StateEditError, SystemFieldError
from xinqu_governance.tests.factories import make_assignment

from tests.case_factories import (
	PASSWORD,
	act,
	as_user,
	case_profile,
	make_case,
	new_tree,
	purge_cases,
	stage,
)
from tests.factories import make_user_at, purge_tree

pytestmark = pytest.mark.usefixtures("case_profile")

FORGED = {
	"is_withdrawn": 1,
	"escalation_count": 7,
	"resolution_due": "2031-01-01 00:00:00",
	"closed_on": "2026-01-01 10:00:00",
	"handling_level": "County",
	"state_entered_on": "2025-01-01 10:00:00",
	"response_due": "2031-01-01 00:00:00",
}


@pytest.fixture
def people():
	return stage(new_tree())


def dispute_at_village(people, **fields):
	dispute = make_case(
		"Dispute", people.village_a1, people.staff_a1, parties=[{"party_name": "张某"}], **fields
	)
	return act(dispute, "Accept", people.staff_a1)


def edit(doctype, name, user, **values):
	with as_user(user):
		doc = frappe.get_doc(doctype, name)
		doc.update(values)
		return doc.save()


def ready_to_close(name, user, outcome="Agreement"):
	edit(
		"Dispute",
		name,
		user,
		outcome=outcome,
		agreement_text="双方同意调换楼层",
		parties=[{"party_name": "张某", "satisfaction": "Satisfied"}],
	)


@pytest.mark.parametrize("field", sorted(FORGED))
def test_a_user_save_does_not_change_a_system_field(people, field):
	dispute = dispute_at_village(people)
	stored = frappe.db.get_value("Dispute", dispute.name, field)
	with pytest.raises(SystemFieldError):
		edit("Dispute", dispute.name, people.staff_a1, **{field: FORGED[field]})
	assert frappe.db.get_value("Dispute", dispute.name, field) == stored
	with pytest.raises(SystemFieldError):  # nor the Administrator's
		edit("Dispute", dispute.name, "Administrator", **{field: FORGED[field]})


def test_a_stale_sla_status_is_put_back_not_saved(people):
	dispute = dispute_at_village(people)
	stored = frappe.db.get_value("Dispute", dispute.name, "sla_status")
	saved = edit("Dispute", dispute.name, people.staff_a1, sla_status="Met", location="3号楼")
	assert (saved.sla_status, frappe.db.get_value("Dispute", dispute.name, "location")) == (stored, "3号楼")
	assert frappe.db.get_value("Dispute", dispute.name, "sla_status") == stored


def test_the_workflow_still_writes_its_fields(people):
	dispute = dispute_at_village(people)
	assert dispute.handling_level == "Village"
	escalated = act(dispute, "Escalate to Town", people.staff_a1)
	assert (escalated.handling_level, escalated.escalation_count) == ("Town", 1)
	withdrawn = act(escalated, "Withdraw", people.officer_a)
	assert withdrawn.is_withdrawn and withdrawn.closed_on


def test_in_a_town_state_only_a_town_officer_over_the_case_edits_it(people):
	dispute = act(dispute_at_village(people), "Escalate to Town", people.staff_a1)
	assert dispute.workflow_state == "Mediation at Town"

	with pytest.raises(StateEditError):
		edit("Dispute", dispute.name, people.staff_a1, outcome="Agreement", agreement_text="村里写的协议")
	with pytest.raises(StateEditError):
		edit("Dispute", dispute.name, people.staff_a1, assigned_to=people.staff_a1)
	# a Town Officer of another town who is Village Staff here holds the role, but not over the case
	two_hats = make_user_at("Town Officer", people.town_b, prefix="xq-two-hats")
	make_assignment(two_hats, "Village Staff", people.village_a1)
	with pytest.raises(StateEditError):
		edit("Dispute", dispute.name, two_hats, outcome="Agreement")

	saved = edit("Dispute", dispute.name, people.officer_a, outcome="Partial Agreement")
	assert saved.outcome == "Partial Agreement"


def test_a_closed_case_is_read_only_except_for_the_roles_its_state_names(people):
	dispute = dispute_at_village(people)
	ready_to_close(dispute.name, people.staff_a1)
	closed = act(dispute, "Close Case", people.staff_a1)
	assert closed.workflow_state == "Concluded"
	for user in (people.staff_a1, people.officer_a):
		with pytest.raises(StateEditError):
			edit("Dispute", dispute.name, user, agreement_text="办结后改写的协议")
	admin = make_user_at("Governance Administrator", people.city, prefix="xq-np-admin")
	assert edit("Dispute", dispute.name, admin, agreement_fulfilment="Fulfilled").agreement_fulfilment == (
		"Fulfilled"
	)
	# reopening is the workflow's own step, taken at the town
	assert act(closed, "Reopen", people.officer_a).workflow_state == "Mediation at Town"


def test_a_failed_mediation_is_escalated_not_closed_at_village_level(people):
	dispute = dispute_at_village(people)
	ready_to_close(dispute.name, people.staff_a1, outcome="Mediation Failed")
	with pytest.raises(frappe.ValidationError, match="escalate the dispute to the town"):
		act(dispute, "Close Case", people.staff_a1)
	at_town = act(dispute, "Escalate to Town", people.staff_a1)
	assert act(at_town, "Close Case", people.officer_a).workflow_state == "Concluded"  # the town may


def test_rest_put_by_village_staff(people, live_server, http_login):
	try:
		dispute = dispute_at_village(people)
		at_town = act(make_case("Dispute", people.village_a1, people.staff_a1), "Accept", people.staff_a1)
		at_town = act(at_town, "Escalate to Town", people.staff_a1)
		frappe.db.commit()
		session = http_login(people.staff_a1, PASSWORD)
		api = f"{live_server}/api/resource/Dispute"

		forged = session.put(f"{api}/{dispute.name}", json={**FORGED, "sla_status": "Met"})
		assert forged.status_code == 403, forged.text[:300]
		stored = frappe.db.get_value(
			"Dispute", dispute.name, ["is_withdrawn", "escalation_count", "handling_level"]
		)
		assert tuple(stored) == (0, 0, "Village")

		own_state = session.put(f"{api}/{dispute.name}", json={"location": "3号楼"})
		assert own_state.status_code == 200
		town_state = session.put(
			f"{api}/{at_town.name}", json={"outcome": "Agreement", "agreement_text": "村里写的协议"}
		)
		assert town_state.status_code == 403, town_state.text[:300]
		assert not frappe.db.get_value("Dispute", at_town.name, "outcome")
		created = session.post(
			api, json={"subject": "登记", "jurisdiction": people.village_a1, "escalation_count": 3}
		)
		assert created.status_code == 403, created.text[:300]
	finally:
		frappe.db.rollback()
		purge_cases(people, commit=False)
		purge_tree(people, users=people.users)


def test_a_new_case_from_a_user_brings_no_bookkeeping(people):
	for field, value in FORGED.items():
		if field == "handling_level":
			continue
		with pytest.raises(SystemFieldError):
			make_case("Dispute", people.village_a1, people.staff_a1, **{field: value})
	# intake at a higher level is the registering window's to say
	assert make_case("Dispute", people.village_a1, people.staff_a1, handling_level="Town").handling_level == (
		"Town"
	)


def test_a_concluded_dispute_records_its_fulfilment_and_nothing_else(people):
	"""履行情况 after conclusion: the village that may close disputes records status, date and note (the
	form is read-only, the dialog calls `record_fulfilment`); the agreement itself stays as concluded,
	another village's staff may not, and a dispute without an agreement has nothing to fulfil."""
	from xinqu_governance.cases.doctype.dispute.dispute import record_fulfilment

	dispute = dispute_at_village(people)
	ready_to_close(dispute.name, people.staff_a1)
	closed = act(dispute, "Close Case", people.staff_a1)
	assert closed.workflow_state == "Concluded"
	with as_user(people.staff_a1):
		record_fulfilment(closed.name, "Partially Fulfilled", "2026-12-01", "楼层已调换，搬家费尚未支付")
	assert frappe.db.get_value(
		"Dispute", closed.name, ["agreement_fulfilment", "fulfilment_checked_on", "fulfilment_note"]
	) == ("Partially Fulfilled", frappe.utils.getdate("2026-12-01"), "楼层已调换，搬家费尚未支付")
	timeline = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Dispute", "reference_name": closed.name, "comment_type": "Info"},
		pluck="content",
	)
	assert "2026年12月1日回访协议履行情况：部分履行。 楼层已调换，搬家费尚未支付" in timeline
	with pytest.raises(StateEditError):  # the follow-up fields only
		edit("Dispute", closed.name, people.staff_a1, fulfilment_note="已履行", agreement_text="改写的协议")
	with pytest.raises(frappe.PermissionError):
		with as_user(people.staff_b1):
			record_fulfilment(closed.name, "Fulfilled")
	assert frappe.db.get_value("Dispute", closed.name, "agreement_fulfilment") == "Partially Fulfilled"

	failed = act(dispute_at_village(people), "Escalate to Town", people.staff_a1)
	ready_to_close(failed.name, people.officer_a, outcome="Mediation Failed")
	failed = act(failed, "Close Case", people.officer_a)
	with pytest.raises(frappe.ValidationError, match="no agreement"):
		with as_user(people.officer_a):
			record_fulfilment(failed.name, "Fulfilled")
