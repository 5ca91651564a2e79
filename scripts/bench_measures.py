#!/usr/bin/env python3
"""Governance Measures benchmark (not a test): the report of one town as its Town Officer, read from the
Measure Count summary (whole months from its month rows, the days around them from its day rows),
against the same aggregation straight from the case tables (what the report did before the summary),
measured in one run on an existing benchmark site.

	.venv/bin/python scripts/bench_cases.py --cases 300000 --no-docs      # builds xinqu_cases_bench
	.venv/bin/python scripts/bench_measures.py --db xinqu_cases_bench
	.venv/bin/python scripts/bench_city.py                                 # city scale, calls this too

Periods (the previous period of the same length is counted too, as the report does):
- one year: the last twelve whole months (month rows);
- one month: last month (month rows; its previous period cuts a month: day rows);
- month to date: the report's default (the days of this month, and as many before it: day rows).
Each is timed through `frappe.desk.query_report.run` as the user (the framework's share included) and
as the raw aggregation over the case tables (`gather_figures(..., from_summary=False)`), in rotated
rounds; the two give the same rows (checked first). Printed with the MariaDB server's settings and the
EXPLAIN of the summary query (a year; last month and its previous period) and of a raw day-range query.
"""

import argparse
import json
import sys
import time

from bench_common import REPO, connect, machine, mariadb_settings, rotated_medians

TOWN = "小峡镇"
REPORT = "Governance Measures"


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
	parser.add_argument("--db", default="xinqu_cases_bench")
	parser.add_argument("--rounds", type=int, default=10, help="rounds of the summary path")
	parser.add_argument("--raw-rounds", type=int, default=3, help="rounds of the raw aggregation (slow)")
	parser.add_argument(
		"--no-rebuild", action="store_true", help="keep the summary (default: rebuild it first, timed)"
	)
	args = parser.parse_args()
	site_dir = REPO / "sites" / args.db
	if not (site_dir / ".env").exists():
		print(f"no benchmark site {site_dir}: build it with bench_cases.py / bench_city.py", file=sys.stderr)
		return 2
	frappe = connect(site_dir)
	frappe.flags.in_test = False
	results = {"machine": machine(), "mariadb_settings": mariadb_settings(frappe)}
	if not args.no_rebuild:  # the cases were written set-based: their lifecycle never counted them
		results["summary"] = build_summary(frappe)
	results["measures"] = time_measures(frappe, args.rounds, args.raw_rounds)
	print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
	return 0


def build_summary(frappe) -> dict:
	"""The summary counted from the cases written set-based (their lifecycle never ran), timed; then
	fresh statistics for the optimizer."""
	from xinqu_governance.cases.measure_counts import rebuild_measure_counts

	start = time.perf_counter()
	rows = rebuild_measure_counts()
	seconds = time.perf_counter() - start
	for table in ("Measure Count", "Dispute", "Petition", "Mediation Session", "Dispute Party", "Jurisdiction"):
		frappe.db.sql(f"analyze table `tab{table}`")
	return {"rows": rows, "rebuild_seconds": round(seconds, 1)}


def town_officer(frappe) -> str:
	"""A user holding Town Officer at the town (the district profile's, else the first assigned)."""
	user = frappe.db.get_value(
		"Jurisdiction Assignment", {"role": "Town Officer", "jurisdiction": TOWN, "is_active": 1}, "user"
	)
	return user or "Administrator"


def periods(today) -> dict:
	from frappe.utils import add_days, add_months, get_first_day

	this_month = get_first_day(today)
	last_month = add_months(this_month, -1)
	return {
		"one_year": (add_months(this_month, -12), add_days(this_month, -1)),
		"one_month": (last_month, add_days(this_month, -1)),
		"month_to_date": (this_month, today),
	}


def time_measures(frappe, rounds: int, raw_rounds: int) -> dict:
	from frappe.desk.query_report import run as run_report
	from frappe.utils import getdate, today
	from xinqu_governance.cases.measure_counts import Scope
	from xinqu_governance.cases.report.governance_measures import governance_measures as report

	user = town_officer(frappe)
	lft, rgt = frappe.db.get_value("Jurisdiction", TOWN, ["lft", "rgt"])
	scope = Scope(TOWN, lft, rgt)
	out = {
		"user": f"{user} (Town Officer at {TOWN})",
		"disputes_in_town": frappe.db.sql(
			"""select count(*) from `tabDispute` d join `tabJurisdiction` j on j.name = d.jurisdiction
			where j.lft >= %s and j.rgt <= %s""",
			(lft, rgt),
		)[0][0],
		"summary_rows": frappe.db.count("Measure Count"),
		"summary_day_rows": frappe.db.count("Measure Count", {"day": (">", 0)}),
	}
	for label, (start, end) in periods(getdate(today())).items():
		filters = {"jurisdiction": TOWN, "from_date": str(start), "to_date": str(end)}
		this, previous = report.get_periods(frappe._dict(filters))

		def through_report(filters=filters):
			frappe.set_user(user)
			try:
				return run_report(REPORT, filters=filters)["result"]
			finally:
				frappe.set_user("Administrator")

		def raw_aggregation(this=this, previous=previous):
			figures = report.gather_figures(scope, {"this": this, "prev": previous}, from_summary=False)
			return report.get_data(scope, figures)

		def summary_path(this=this, previous=previous):
			figures = report.gather_figures(scope, {"this": this, "prev": previous})
			return report.get_data(scope, figures)

		same = strip(summary_path()) == strip(raw_aggregation()) == strip(through_report())
		fast = rotated_medians({"report": through_report, "summary": summary_path}, rounds)
		slow = rotated_medians({"raw": raw_aggregation}, raw_rounds)
		report_ms, report_min = fast["report"]
		raw_ms, raw_min = slow["raw"]
		out[label] = {
			"this_period": f"{this[0]} .. {this[1]}",
			"previous_period": f"{previous[0]} .. {previous[1]}",
			"same_rows": same,
			"report_median_ms": round(report_ms, 1),
			"report_min_ms": round(report_min, 1),
			"summary_path_median_ms": round(fast["summary"][0], 1),
			"raw_aggregation_median_ms": round(raw_ms, 1),
			"raw_aggregation_min_ms": round(raw_min, 1),
			"ratio_raw_to_report": round(raw_ms / report_ms, 1) if report_ms else None,
		}
		print(json.dumps({label: out[label]}, ensure_ascii=False), flush=True)
	out["plans"] = plans(frappe, scope)
	frappe.db.sql("select 1")
	out["prepared_report"] = frappe.db.get_value("Report", REPORT, "prepared_report")
	return out


def strip(rows) -> list:
	"""The report's rows without the translated labels (the user's language may differ)."""
	return [
		(r.get("row_id"), r.get("this_period"), r.get("previous_period"), r.get("change"), r.get("note"))
		for r in rows
		if isinstance(r, dict) and r.get("row_id")
	]


def plans(frappe, scope) -> dict:
	"""EXPLAIN of the summary query (a year of months; last month's previous period, days) and of one
	source's raw day-range query."""
	from frappe.utils import add_days, getdate, today
	from xinqu_governance.cases.measure_counts import (
		SOURCE_BY_KEY,
		count_in_scope,
		split_period,
		summary_in_scope,
		yyyymm,
	)
	from xinqu_governance.cases.report.governance_measures.governance_measures import get_periods

	day = getdate(today())
	out = {}
	summary_in_scope(scope, (yyyymm(add_days(day, -365)), yyyymm(day)))
	out["summary"] = explain(frappe, frappe.db.last_query)
	first, last = periods(day)["one_month"]
	_this, previous = get_periods(frappe._dict(from_date=first, to_date=last))
	summary_in_scope(scope, *split_period(*previous))
	out["summary_days"] = explain(frappe, frappe.db.last_query)
	count_in_scope(SOURCE_BY_KEY["dispute_concluded"], scope, (add_days(day, -10), day))
	out["disputes_concluded_days"] = explain(frappe, frappe.db.last_query)
	return out


def explain(frappe, sql: str) -> dict:
	rows = frappe.db.sql(f"explain {sql}", as_dict=True)
	return {
		"sql": " ".join(str(sql).split()),
		"plan": [{k: row.get(k) for k in ("table", "type", "key", "rows", "Extra")} for row in rows],
	}


if __name__ == "__main__":
	sys.exit(main())
