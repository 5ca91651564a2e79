"""When a printed document is in force, and the mark printed across it while it is not.

A case's document attests a decision: the 人民调解协议书 the agreement of a concluded dispute, the
信访受理告知书 the acceptance of a petition, the 社会稳定风险评估报告 an approved assessment. Until the case
has got there, the document prints with 草稿 (the case has not left its workflow's first state) or
未生效 (under way) across every page (`xq_draft_mark`, the print formats' `.xq-draft-mark`). Documents
of other records (supervision sheets, household cards, grid rosters) are always in force.
"""

from frappe.model.workflow import get_workflow, get_workflow_name
from frappe.utils import cint

DRAFT = "草稿"
NOT_IN_FORCE = "未生效"
AGREEMENT_OUTCOMES = ("Agreement", "Partial Agreement")

# DocType → what makes its document in force
IN_FORCE_WHEN = {
	"Dispute": lambda doc: (
		bool(doc.get("closed_on"))
		and not cint(doc.get("is_withdrawn"))
		and doc.get("outcome") in AGREEMENT_OUTCOMES
	),
	"Petition": lambda doc: bool(doc.get("accepted_on")),
	"Stability Risk Assessment": lambda doc: (
		bool(cint(doc.get("is_approved"))) and not cint(doc.get("is_withdrawn"))
	),
}


def is_in_force(doc) -> bool:
	rule = IN_FORCE_WHEN.get(doc.doctype)
	return True if rule is None else rule(doc)


def draft_mark(doc) -> str:
	""" "" for a document in force, else 草稿 (the case is new or in its workflow's first state) or 未生效."""
	if is_in_force(doc):
		return ""
	state = doc.get("workflow_state")
	if doc.is_new() or not state:
		return DRAFT
	if get_workflow_name(doc.doctype):
		workflow = get_workflow(doc.doctype)
		if workflow.states and workflow.states[0].state == state:
			return DRAFT
	return NOT_IN_FORCE
