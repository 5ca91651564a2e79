"""户籍 (Guiding Opinions §9): "户籍随房走、管理归属地" and the 农转非 conversion of resettled households.

- The hukou address of a household with an allocated dwelling is that dwelling's address: it is
  derived on every save (`hukou_address_of`), so a household that moves dwelling takes its hukou
  address along, and the move is written to the household's timeline.
- 农转非 is a sequence of dated steps (Hukou Conversion Step rows): Applied → Approved or Not Approved →
  Completed (`NEXT_STEPS`; after a rejection a new application may follow). The household's
  `hukou_status` and `hukou_conversion_date` follow the last step (`STATUS_AFTER`); a household
  without steps keeps what was entered (or imported).
"""

import frappe
from frappe import _
from frappe.utils import getdate, today

from xinqu_governance.governance.site_language import human_date, in_site_language

APPLIED, APPROVED, REJECTED, COMPLETED = "Applied", "Approved", "Not Approved", "Completed"
AGRICULTURAL = "Agricultural"
IN_PROGRESS = "Conversion in Progress"
CONVERTED = "Converted to Non-agricultural"
NON_AGRICULTURAL = "Non-agricultural"

# the steps that may follow each step (None: the first)
NEXT_STEPS = {
	None: (APPLIED,),
	APPLIED: (APPROVED, REJECTED),
	APPROVED: (COMPLETED,),
	REJECTED: (APPLIED,),
	COMPLETED: (),
}
# the steps that name the approval (批准文号)
STEPS_WITH_REFERENCE = (APPROVED, COMPLETED)
STATUS_AFTER = {APPLIED: IN_PROGRESS, APPROVED: IN_PROGRESS, REJECTED: AGRICULTURAL, COMPLETED: CONVERTED}


class HukouConversionError(frappe.ValidationError):
	"""The 农转非 steps of a household are out of order, undated or unreferenced."""


def hukou_addresses(dwellings) -> dict[str, str]:
	"""The hukou address each dwelling gives (one query): the village of its compound and the
	address, e.g. 幸福村幸福家园3号楼2单元502室."""
	dwellings = [d for d in set(dwellings) if d]
	if not dwellings:
		return {}
	D = frappe.qb.DocType("Dwelling")
	B = frappe.qb.DocType("Building")
	U = frappe.qb.DocType("Building Unit")
	C = frappe.qb.DocType("Resettlement Compound")
	rows = (
		frappe.qb.from_(D)
		.left_join(B)
		.on(B.name == D.building)
		.left_join(U)
		.on(U.name == D.building_unit)
		.left_join(C)
		.on(C.name == D.compound)
		.select(D.name, C.jurisdiction, D.compound, B.building_number, U.unit_number, D.room)
		.where(D.name.isin(dwellings))
		.run(as_dict=True)
	)
	return {
		row.name: "".join(
			(
				row.jurisdiction or "",
				row.compound or "",
				f"{row.building_number}号楼" if row.building_number else "",
				f"{row.unit_number}单元" if row.unit_number else "",
				f"{row.room}室" if row.room else "",
			)
		)
		for row in rows
	}


def hukou_address_of(dwelling: str | None) -> str:
	return hukou_addresses([dwelling]).get(dwelling, "") if dwelling else ""


def apply_hukou_rules(household) -> None:
	"""Household.validate: the hukou address follows the dwelling; the status follows the steps."""
	if household.dwelling:
		household.hukou_address = hukou_address_of(household.dwelling)
	validate_conversion_steps(household)


def validate_conversion_steps(household) -> None:
	steps = household.get("hukou_conversion_steps") or []
	if not steps:
		return
	if household.hukou_status == NON_AGRICULTURAL:
		frappe.throw(
			_(
				"A household with a non-agricultural hukou has no agricultural to non-agricultural conversion."
			),
			HukouConversionError,
			title=_("Invalid Conversion"),
		)
	previous, previous_date = None, None
	for row in steps:
		if row.step not in NEXT_STEPS.get(previous, ()):
			frappe.throw(
				_("Row {0}: {1} cannot follow {2}; after it comes {3}.").format(
					row.idx,
					_(row.step),
					_(previous) if previous else _("the start"),
					" / ".join(_(step) for step in NEXT_STEPS.get(previous, ())) or _("nothing"),
				),
				HukouConversionError,
				title=_("Invalid Conversion"),
			)
		date = getdate(row.step_date)
		if previous_date and date < previous_date:
			frappe.throw(
				_("Row {0}: the step is dated before the step above it.").format(row.idx),
				HukouConversionError,
				title=_("Invalid Conversion"),
			)
		if date > getdate(today()):
			frappe.throw(
				_("Row {0}: the step is dated in the future.").format(row.idx),
				HukouConversionError,
				title=_("Invalid Conversion"),
			)
		if row.step in STEPS_WITH_REFERENCE and not (row.reference or "").strip():
			frappe.throw(
				_("Row {0}: enter the reference of the approval for the step {1}.").format(
					row.idx, _(row.step)
				),
				HukouConversionError,
				title=_("Invalid Conversion"),
			)
		previous, previous_date = row.step, date
	household.hukou_status = STATUS_AFTER[previous]
	household.hukou_conversion_date = steps[-1].step_date if previous == COMPLETED else None


def record_hukou_move(household, before) -> None:
	"""Household.on_update: a household that moved dwelling has its hukou address moved along; say so
	on its timeline (in the site language)."""
	if not before or not before.dwelling or before.dwelling == household.dwelling or not household.dwelling:
		return
	with in_site_language():
		text = _("Hukou moved with the dwelling on {0}: from {1} to {2}").format(
			human_date(today()),
			before.hukou_address or hukou_address_of(before.dwelling),
			household.hukou_address,
		)
	household.add_comment("Info", text)
