"""民转刑: a civil dispute that turned into a criminal case (one of the 五下降 counted by Governance
Measures, by the date it turned). It is a fact learned at any time, often after the dispute was
concluded, so it is not a workflow step and not subject to the state's edit rights: whoever may change
the dispute at its node records it with the form's "Record Turned Criminal" button (date and the police
or court case number), and the fields are read-only otherwise. The timeline keeps who and when."""

import frappe
from frappe import _
from frappe.utils import getdate, today

from xinqu_governance.cases.edit_rights import mark_system_write
from xinqu_governance.cases.timeline import add_case_entry
from xinqu_governance.governance.site_language import site_language
from xinqu_governance.printing.jinja_methods import xq_cn_date

MAX_REFERENCE_LENGTH = 140


def record_turned_criminal(dispute: str, turned_criminal_on: str, criminal_case_reference: str) -> None:
	doc = frappe.get_doc("Dispute", dispute)
	doc.check_permission("write")
	reference = (criminal_case_reference or "").strip()
	if not reference or len(reference) > MAX_REFERENCE_LENGTH:
		frappe.throw(
			_("Enter the criminal case reference (at most {0} characters).").format(MAX_REFERENCE_LENGTH),
			title=_("Missing Case Reference"),
		)
	if not turned_criminal_on:
		frappe.throw(_("Enter the date the dispute turned criminal."), title=_("Missing Date"))
	day = getdate(turned_criminal_on)
	if day > getdate(today()):
		frappe.throw(_("The date cannot be in the future."), title=_("Invalid Date"))
	if doc.reported_on and day < getdate(doc.reported_on):
		frappe.throw(
			_("The dispute cannot have turned criminal before it was reported."), title=_("Invalid Date")
		)
	doc.turned_criminal = 1
	doc.turned_criminal_on = day
	doc.criminal_case_reference = reference
	mark_system_write(doc)
	doc.save(ignore_permissions=True)  # the user's right was checked above, at the dispute's node
	lang = site_language()
	add_case_entry(
		"Dispute",
		doc.name,
		_("Turned into a criminal case on {0} (case {1}).", lang=lang).format(xq_cn_date(day), reference),
	)
