# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CaseCategory(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from xinqu_governance.cases.doctype.case_category_case_type.case_category_case_type import (
			CaseCategoryCaseType,
		)

		category_name: DF.Data
		description: DF.SmallText | None
		is_law_related: DF.Check
		used_for: DF.TableMultiSelect[CaseCategoryCaseType]
	# end: auto-generated types

	pass


def categories_for(doctype: str) -> list[str]:
	"""The Case Categories a case of `doctype` may take: those used for it, and those used for every
	case type (no row in `used_for`), by name."""
	category = frappe.qb.DocType("Case Category")
	use = frappe.qb.DocType("Case Category Case Type")
	restricted_elsewhere = (
		frappe.qb.from_(use)
		.select(use.parent)
		.where((use.parenttype == "Case Category") & (use.parentfield == "used_for"))
	)
	used_for_doctype = restricted_elsewhere.where(use.case_type == doctype)
	return (
		frappe.qb.from_(category)
		.select(category.name)
		.where(category.name.isin(used_for_doctype) | category.name.notin(restricted_elsewhere))
		.orderby(category.name)
		.run(pluck=True)
	)


def category_fits(category: str, doctype: str) -> bool:
	"""True when a case of `doctype` may take `category`."""
	uses = frappe.get_all(
		"Case Category Case Type",
		filters={"parenttype": "Case Category", "parentfield": "used_for", "parent": category},
		pluck="case_type",
	)
	return not uses or doctype in uses
