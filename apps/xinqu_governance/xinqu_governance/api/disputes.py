"""What the Dispute form records beside its workflow: the fulfilment of an agreement, 民转刑."""

import frappe

from xinqu_governance.cases import turned_criminal
from xinqu_governance.cases.doctype.dispute import dispute


@frappe.whitelist(methods=["POST"])
def record_fulfilment(
	name: str, agreement_fulfilment: str, fulfilment_checked_on: str | None = None, fulfilment_note: str | None = None
) -> None:
	dispute.record_fulfilment(name, agreement_fulfilment, fulfilment_checked_on, fulfilment_note)


@frappe.whitelist(methods=["POST"])
def record_turned_criminal(dispute: str, turned_criminal_on: str, criminal_case_reference: str) -> None:
	turned_criminal.record_turned_criminal(dispute, turned_criminal_on, criminal_case_reference)
