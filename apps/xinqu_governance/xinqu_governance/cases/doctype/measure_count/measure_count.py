# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class MeasureCount(Document):
	"""One figure of Governance Measures at one node in one month (cases/measure_counts.py writes them)."""


def on_doctype_update():
	# the report reads a run of months of a node and its children: per node one range, covered
	frappe.db.add_index("Measure Count", ["jurisdiction", "month", "figure", "count"])
