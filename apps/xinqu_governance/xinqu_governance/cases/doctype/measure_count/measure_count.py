# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class MeasureCount(Document):
	"""One figure of Governance Measures at one node in one month or on one day (cases/measure_counts.py
	writes them)."""


def on_doctype_update():
	# the report reads a run of months (day 0) and runs of days of a node and its children: per node
	# a range or two, covered (measure_counts.ensure_summary_index, also after every migrate)
	frappe.db.add_index("Measure Count", ["jurisdiction", "day", "month", "figure", "count"])
	# the rebuild compares a source's rows of one month (both grains) with its count: names and counts, covered
	frappe.db.add_index("Measure Count", ["source", "month", "count"])
