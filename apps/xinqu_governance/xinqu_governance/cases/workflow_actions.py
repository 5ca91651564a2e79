"""The workflow actions the desk offers on a case are the ones the server would accept.

Frappe's `frappe.model.workflow.get_transitions` (what the form's Actions menu and the list's bulk
workflow actions ask for) offers every transition whose role the user holds anywhere; our server
refuses those the user does not hold at the case's node and level (`workflow_guard`). This wraps it
(`override_whitelisted_methods` in hooks.py) and leaves out, for the case DocTypes, the transitions
`validate_transition_level` would refuse, so the desk hides nothing the server allows and offers
nothing it refuses. Frappe's own `apply_workflow` still calls the unwrapped function and the guard
still runs on save."""

import frappe
from frappe.model.workflow import get_transitions as frappe_get_transitions

from xinqu_governance.cases.case_types import is_case_doctype
from xinqu_governance.cases.workflow_guard import user_stands_at_level
from xinqu_governance.governance.roles import GOVERNANCE_ADMINISTRATOR


@frappe.whitelist()
# the annotations are strings, as in Frappe's own signature: Frappe validates no type it cannot name
def get_transitions(doc: "Document | str | dict", workflow: "Workflow | None" = None, raise_exception: bool = False) -> list[dict]:
	from frappe.model.document import Document

	if not isinstance(doc, Document):
		doc = frappe.get_doc(frappe.parse_json(doc))
		doc.load_from_db()
	transitions = frappe_get_transitions(doc, workflow, raise_exception)
	user = frappe.session.user
	if (
		not is_case_doctype(doc.doctype)
		or user == "Administrator"
		or GOVERNANCE_ADMINISTRATOR in frappe.get_roles(user)
	):
		return transitions
	units = (doc.get("handling_unit"), doc.get("assisting_unit"))
	return [
		transition
		for transition in transitions
		if user_stands_at_level(
			user, transition.allowed, transition.get("required_level"), doc.jurisdiction, units
		)
	]
