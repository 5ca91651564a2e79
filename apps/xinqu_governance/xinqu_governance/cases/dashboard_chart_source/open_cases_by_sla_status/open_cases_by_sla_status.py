"""Chart source: the user's open cases of every case DocType by SLA status (On Track, Due Soon, Overdue,
none). Counted for the caller on every call (cases/desk_cards.py, with the user's permissions): the
standard chart cache is one per chart for every user, which would show one jurisdiction's numbers to
another."""

import frappe
from frappe import _

from xinqu_governance.cases import sla
from xinqu_governance.cases.desk_cards import count_open_cases

STATUSES = (sla.ON_TRACK, sla.DUE_SOON, sla.OVERDUE)


@frappe.whitelist()
def get(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: int | str | None = None,
	filters: str | dict | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: int | str | None = None,
	refresh: int | str | None = None,
) -> dict:
	counts = [count_open_cases(("sla_status", "=", status)) for status in STATUSES]
	counts.append(count_open_cases(("sla_status", "is", "not set")))
	return {
		"labels": [_(status) for status in STATUSES] + [_("No Deadline")],
		"datasets": [{"name": _("Open Cases"), "values": counts}],
	}
