"""Changes to a case workflow that would break the app are refused when the Workflow is saved (desk,
Workflow Builder, profile apply): doc_events `validate` on "Workflow".

An active workflow of a case DocType must
- keep every state that cases are in now (they would be stranded in a state the workflow no longer
  knows: no transition out, no SLA level);
- keep at least one state marked `closes_case` (otherwise no case is ever closed: `closed_on` is never
  stamped and the SLA clocks never stop);
- name only handling levels that exist (`cases.case_types.HANDLING_LEVELS`) in a transition's
  `required_level` and in a state that sets `handling_level`.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import cint

from xinqu_governance.cases.case_types import HANDLING_LEVELS, is_case_doctype


class CaseWorkflowChangeError(frappe.ValidationError):
	"""The change to a case workflow would break the cases it governs."""


def validate_case_workflow_change(doc, method=None) -> None:
	if not cint(doc.is_active) or not is_case_doctype(doc.document_type):
		return
	validate_levels(doc)
	validate_closing_state(doc)
	validate_removed_states(doc)


def refuse(message: str) -> None:
	frappe.throw(message, CaseWorkflowChangeError, title=_("Workflow Change Refused"))


def validate_levels(doc) -> None:
	for transition in doc.transitions:
		level = transition.get("required_level")
		if level and level not in HANDLING_LEVELS:
			refuse(
				_(
					"Transition '{0}' ({1} → {2}) requires the level {3}, which does not exist: use one of {4}."
				).format(
					_(transition.action),
					_(transition.state),
					_(transition.next_state),
					level,
					", ".join(_(name) for name in HANDLING_LEVELS),
				)
			)
	for row in doc.states:
		if row.update_field == "handling_level" and row.update_value not in HANDLING_LEVELS:
			refuse(
				_("State {0} sets the handling level to {1}, which does not exist: use one of {2}.").format(
					_(row.state), row.update_value or "-", ", ".join(_(name) for name in HANDLING_LEVELS)
				)
			)


def validate_closing_state(doc) -> None:
	if not any(cint(row.get("closes_case")) for row in doc.states):
		refuse(
			_("Workflow {0} needs at least one state that closes the case (Closes the Case).").format(
				doc.name or doc.workflow_name
			)
		)


def validate_removed_states(doc) -> None:
	before = doc.get_doc_before_save()
	if not before or before.document_type != doc.document_type:
		return
	kept = {row.state for row in doc.states}
	removed = [row.state for row in before.states if row.state not in kept]
	if not removed:
		return
	case = frappe.qb.DocType(doc.document_type)
	state_field = case[doc.workflow_state_field or "workflow_state"]
	in_use = dict(
		frappe.qb.from_(case)
		.select(state_field, Count("*"))
		.where(state_field.isin(removed))
		.groupby(state_field)
		.run()
	)
	for state in removed:
		if in_use.get(state):
			refuse(
				_("State {0} cannot be removed: {1} {2} are in it. Move them to another state first.").format(
					_(state), in_use[state], _(doc.document_type)
				)
			)
