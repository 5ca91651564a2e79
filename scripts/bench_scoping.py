#!/usr/bin/env python3
"""Scoped pages, counts and the Overdue Queue as a town officer, against the best SQL of the same rows
(benchmark, not a test; called by scripts/bench_city.py on the city site, or on its own on any built
bench site):

	.venv/bin/python scripts/bench_scoping.py --db xinqu_city_bench

Each figure is the median (and min) of rotated rounds in ms, measured in one run, with the ratio to
the nested-set SQL (`jurisdiction in (select name from tabJurisdiction where lft >= … and rgt <= …)`)
that returns the same rows; the rows are compared first. Frappe's own path is timed as the user
(`frappe.get_list`, `frappe.client.get_count`, `frappe.desk.query_report.run`), its share included.
"""

import argparse
import json
import sys

from bench_common import REPO, connect, mariadb_settings, rotated_medians

TOWN = "小峡镇"
USER = "bench.town@bench.xinqu.example"
FIELDS = ["name", "full_name", "sex", "birth_date", "jurisdiction", "creation"]


def town_officer(frappe) -> str:
	"""The benchmark's Town Officer at TOWN (made once, through a Jurisdiction Assignment)."""
	if not frappe.db.exists("User", USER):
		frappe.get_doc({"doctype": "User", "email": USER, "first_name": "Town Officer", "send_welcome_email": 0}).insert(
			ignore_permissions=True
		)
	if not frappe.db.exists("Jurisdiction Assignment", {"user": USER, "jurisdiction": TOWN, "role": "Town Officer"}):
		frappe.get_doc(
			{
				"doctype": "Jurisdiction Assignment",
				"user": USER,
				"role": "Town Officer",
				"jurisdiction": TOWN,
				"valid_from": "2015-01-09",
			}
		).insert(ignore_permissions=True)
	frappe.db.commit()
	return USER


def as_user(frappe, user, fn):
	def call():
		frappe.set_user(user)
		try:
			return fn()
		finally:
			frappe.set_user("Administrator")

	return call


def figure(timings: dict, name: str, best: str, extra: dict | None = None) -> dict:
	ms, low = timings[name]
	best_ms, best_low = timings[best]
	return {
		"median_ms": round(ms, 2),
		"min_ms": round(low, 2),
		f"{best}_median_ms": round(best_ms, 2),
		f"{best}_min_ms": round(best_low, 2),
		"ratio": round(ms / best_ms, 2) if best_ms else None,
		**(extra or {}),
	}


def whitelisted(frappe, method: str):
	"""The whitelisted method as the desk's or REST's call reaches it: its last override, as
	`frappe.handler.execute_cmd` resolves it (the app runs Frappe's lists and counts with their query's
	shape known: governance/scoped_queries.py)."""
	return frappe.get_attr(frappe.get_hooks("override_whitelisted_methods").get(method, [method])[-1])


def time_residents(frappe, user: str, lft: int, rgt: int, rounds: int) -> dict:
	"""The resident list as the town officer opens it in the desk (his scope only, through
	`frappe.desk.reportview.get`) and through REST's `frappe.client.get_list`, and the desk's page
	filtered to his town with `descendants of (inclusive)`; REST's exact count and the desk's bounded
	one; `frappe.get_list` called from Python (a query of no known shape: the scope as the list of its
	nodes). Against the SQL of the same rows: the nested-set semi-join, and for a page the same tree
	range read per row (the form the app sends, without the framework)."""
	nested = "r.jurisdiction in (select j.name from `tabJurisdiction` j where j.lft >= %(lft)s and j.rgt <= %(rgt)s)"
	per_row = "(select j.lft from `tabJurisdiction` j where j.name = r.jurisdiction) between %(lft)s and %(rgt)s"
	values = {"lft": lft, "rgt": rgt}
	desk_list = whitelisted(frappe, "frappe.desk.reportview.get")
	desk_count = whitelisted(frappe, "frappe.desk.reportview.get_count")
	rest_list = whitelisted(frappe, "frappe.client.get_list")
	rest_count = whitelisted(frappe, "frappe.client.get_count")

	def with_form(form: dict, method):
		frappe.local.form_dict = frappe._dict(form)
		try:
			return method()
		finally:
			frappe.local.form_dict = frappe._dict()

	def as_rows(answer):  # the desk's compressed answer ({keys, values}) as rows
		return [frappe._dict(zip(answer["keys"], values)) for values in answer["values"]]

	def page():
		form = {"doctype": "Resident", "fields": FIELDS, "order_by": "creation desc", "start": 0, "page_length": 20}
		return as_rows(with_form(form, desk_list))

	def filtered_page():
		form = {
			"doctype": "Resident",
			"fields": FIELDS,
			"filters": [["Resident", "jurisdiction", "descendants of (inclusive)", TOWN]],
			"order_by": "creation desc",
			"start": 0,
			"page_length": 20,
		}
		return as_rows(with_form(form, desk_list))

	def rest_page():
		return rest_list(doctype="Resident", fields=FIELDS, order_by="creation desc", limit_page_length=20)

	def python_page():
		return frappe.get_list("Resident", fields=FIELDS, order_by="creation desc", limit_page_length=20)

	def count():
		return rest_count(doctype="Resident")

	def list_count():
		# what the desk's list asks (list_view.js count_upper_bound): "1000+" beyond 1 000 rows
		return with_form({"doctype": "Resident", "limit": 1001}, desk_count)

	def sql_page(condition):
		def run():
			return frappe.db.sql(
				f"""select r.name, r.full_name, r.sex, r.birth_date, r.jurisdiction, r.creation from `tabResident` r
				where {condition} order by r.creation desc limit 20""",
				values,
				as_dict=True,
			)

		return run

	nested_set_page, per_row_page = sql_page(nested), sql_page(per_row)

	def nested_set_count():
		return frappe.db.sql(f"select count(*) from `tabResident` r where {nested}", values)[0][0]

	def nested_set_bounded_count():
		return frappe.db.sql(
			f"select count(*) from (select r.name from `tabResident` r where {nested} limit 1001) p", values
		)[0][0]

	measures = {
		"page": as_user(frappe, user, page),
		"filtered_page": as_user(frappe, user, filtered_page),
		"rest_page": as_user(frappe, user, rest_page),
		"python_page": as_user(frappe, user, python_page),
		"count": as_user(frappe, user, count),
		"list_count": as_user(frappe, user, list_count),
		"nested_set_page": nested_set_page,
		"per_row_page": per_row_page,
		"nested_set_count": nested_set_count,
		"nested_set_bounded_count": nested_set_bounded_count,
	}

	def newest(rows):  # bulk-loaded rows share creation times: the page is the same 20 newest
		return [str(row.creation) for row in rows]

	pages = ("page", "filtered_page", "rest_page", "python_page")
	same = {name: newest(measures[name]()) == newest(nested_set_page()) == newest(per_row_page()) for name in pages}
	same["count"] = measures["count"]() == nested_set_count()
	same["list_count"] = measures["list_count"]() == nested_set_bounded_count()
	timings = rotated_medians(measures, rounds)
	out = {
		"residents_in_scope": nested_set_count(),
		"nodes_in_scope": frappe.db.count("Jurisdiction", {"lft": (">=", lft), "rgt": ("<=", rgt)}),
		**{
			label: {
				**figure(timings, name, "nested_set_page", {"same_rows": same[name]}),
				"per_row_sql_median_ms": round(timings["per_row_page"][0], 2),
				"ratio_to_per_row_sql": round(timings[name][0] / timings["per_row_page"][0], 2),
			}
			for label, name in (
				("page_of_20_desk", "page"),
				("page_of_20_desk_filtered_by_town", "filtered_page"),
				("page_of_20_rest", "rest_page"),
				("page_of_20_get_list_from_python", "python_page"),
			)
		},
		"exact_count_rest": figure(timings, "count", "nested_set_count", {"same_count": same["count"]}),
		"list_view_count_1000_plus": figure(
			timings, "list_count", "nested_set_bounded_count", {"same_count": same["list_count"]}
		),
		"plans": {
			"page": explain(frappe, f"select r.name from `tabResident` r where {per_row} order by r.creation desc limit 20", values),
			"count": explain(frappe, f"select count(*) from `tabResident` r where {nested}", values),
		},
	}
	print(json.dumps({"scoped_residents": out}, ensure_ascii=False, default=str), flush=True)
	return out


def time_queue(frappe, user: str, lft: int, rgt: int, rounds: int) -> dict:
	"""The Overdue Queue of the town as its officer, against the same pages in raw SQL (per case type
	and status, ordered by deadline, merged), the territory as the nested-set semi-join and as the
	tree's range read per row."""
	from frappe.desk.query_report import run as run_report
	from xinqu_governance.cases.case_types import case_doctypes

	page_length = 100

	def report():
		return run_report("Overdue Queue", filters={"jurisdiction": TOWN})["result"]

	def raw(territory):
		def pages():
			rows = []
			for doctype in case_doctypes():
				for status in ("Overdue", "Due Soon"):
					rows += frappe.db.sql(
						f"""select c.name, c.resolution_due from `tab{doctype}` c
						where c.sla_status = %(status)s and c.closed_on is null and c.is_withdrawn = 0
						and {territory}
						order by c.resolution_due limit %(limit)s""",
						{"status": status, "lft": lft, "rgt": rgt, "limit": page_length},
						as_dict=True,
					)
			rows.sort(key=lambda row: row.resolution_due)
			return rows[:page_length]

		return pages

	# the nested-set semi-join, and the tree's range read per row (the form the report sends)
	semi_join = raw("c.jurisdiction in (select j.name from `tabJurisdiction` j where j.lft >= %(lft)s and j.rgt <= %(rgt)s)")
	per_row = raw("(select j.lft from `tabJurisdiction` j where j.name = c.jurisdiction) between %(lft)s and %(rgt)s")
	through_report = as_user(frappe, user, report)
	shown = [row for row in through_report() if isinstance(row, dict)]
	# the most urgent first: cases due at the same moment may come in either order
	due = [str(row["resolution_due"]) for row in shown]
	same = due == [str(row.resolution_due) for row in semi_join()] == [str(row.resolution_due) for row in per_row()]
	timings = rotated_medians({"report": through_report, "raw_sql": semi_join, "per_row_sql": per_row}, rounds)
	out = {
		"rows": len(shown),
		**figure(timings, "report", "raw_sql", {"same_rows": same}),
		"per_row_sql_median_ms": round(timings["per_row_sql"][0], 2),
		"ratio_to_per_row_sql": round(timings["report"][0] / timings["per_row_sql"][0], 2),
	}
	print(json.dumps({"overdue_queue": out}, ensure_ascii=False), flush=True)
	return out


def explain(frappe, sql: str, values: dict) -> list:
	return [
		{key: row.get(key) for key in ("table", "type", "key", "rows", "Extra")}
		for row in frappe.db.sql(f"explain {sql}", values, as_dict=True)
	]


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
	parser.add_argument("--db", default="xinqu_city_bench")
	parser.add_argument("--rounds", type=int, default=15)
	args = parser.parse_args()
	frappe = connect(REPO / "sites" / args.db)
	frappe.flags.in_test = False
	user = town_officer(frappe)
	lft, rgt = frappe.db.get_value("Jurisdiction", TOWN, ["lft", "rgt"])
	results = {
		"mariadb_settings": mariadb_settings(frappe),
		"scoped_residents": time_residents(frappe, user, lft, rgt, args.rounds),
	}
	if frappe.db.count("Dispute"):
		results["overdue_queue"] = time_queue(frappe, user, lft, rgt, args.rounds)
	print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
	return 0


if __name__ == "__main__":
	sys.exit(main())
