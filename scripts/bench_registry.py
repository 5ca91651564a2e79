#!/usr/bin/env python3
"""Registry benchmark (not a test): import 100k households / ~300k residents into a fresh database,
then time a jurisdiction-scoped resident list against the same query in raw SQL.

	.venv/bin/python scripts/bench_registry.py                    # fresh database xinqu_reg_bench
	.venv/bin/python scripts/bench_registry.py --households 20000 --keep

Steps and what is printed:
1. a fresh site (``new-site --force``) unless ``--keep``; the jurisdiction tree and the 22 compounds
   with enough buildings / dwellings (set-based);
2. the demo generator's households written as a csv with Chinese headers, then imported through the
   real import path (``importer.import_file``): rows per second and peak memory (max RSS of this
   process, and the growth during the import);
3. the same file imported again (idempotent re-run: nothing written);
4. grids proposed and applied for every compound;
5. a page of 20 residents filtered by town, newest first, as a Town Officer and as a Village Staff
   user through ``frappe.get_list`` (User Permissions applied), against the same query in raw SQL:
   median of N runs each, printed as a ratio.
Record the figures in docs/benchmarks.md with the machine.
"""

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

from bench_common import REPO, connect, create_site, machine, mariadb_version, peak_rss_mib, timed


def main() -> int:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--db", default="xinqu_reg_bench")
	parser.add_argument("--households", type=int, default=100_000)
	parser.add_argument("--seed", type=int, default=20150109)
	parser.add_argument("--repeat", type=int, default=30, help="runs per timed query")
	parser.add_argument("--keep", action="store_true", help="reuse the database instead of recreating it")
	parser.add_argument("--lists-only", action="store_true", help="reuse the database, only time the lists")
	args = parser.parse_args()

	site_dir = REPO / "sites" / args.db
	if args.lists_only:
		args.keep = True
	if not args.keep or not (site_dir / ".env").exists():
		create_site(site_dir, args.db)
	frappe = connect(site_dir)
	import random

	from xinqu_demo.demo_data import registry as demo_data
	from xinqu_governance.registry import importer
	from xinqu_governance.registry.grids import apply_grid_proposal

	results = {
		"machine": machine(),
		"households_requested": args.households,
		"mariadb": mariadb_version(frappe),
	}

	if args.lists_only:
		time_lists(frappe, demo_data.ensure_tree(), args, results)
		print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
		return 0

	# 1. tree and housing
	start = time.perf_counter()
	villages = demo_data.ensure_tree()
	compounds = demo_data.ensure_compounds(villages, args.households)
	frappe.db.commit()
	results["housing_seconds"] = round(time.perf_counter() - start, 1)
	results["dwellings"] = frappe.db.count("Dwelling")

	# 2. the spreadsheet
	rng = random.Random(args.seed)
	rows, columns = demo_data.household_rows(compounds, args.households, rng)
	path = Path(tempfile.gettempdir()) / f"{args.db}-households.csv"
	header_of = {key: importer.COLUMNS[key][0] for key in columns}
	with open(path, "w", newline="", encoding="utf-8-sig") as f:
		writer = csv.writer(f)
		writer.writerow([header_of[key] for key in columns])
		for row in rows:
			writer.writerow(["" if row.get(key) is None else row.get(key) for key in columns])
	results["file_rows"] = len(rows)
	results["file_mib"] = round(path.stat().st_size / 2**20, 1)
	del rows

	rss_before = peak_rss_mib()
	start = time.perf_counter()
	imported = importer.import_file(str(path), user="Administrator")
	seconds = time.perf_counter() - start
	results["import"] = {k: v for k, v in imported.items() if k != "errors"}
	results["import_errors"] = imported["errors"][:5]
	results["import_seconds"] = round(seconds, 1)
	results["import_rows_per_second"] = round(imported["rows"] / seconds)
	results["peak_rss_mib"] = round(peak_rss_mib())
	results["peak_rss_growth_during_import_mib"] = round(peak_rss_mib() - rss_before)
	print(json.dumps(results, ensure_ascii=False), flush=True)

	# 3. re-run: nothing changes
	start = time.perf_counter()
	again = importer.import_file(str(path), user="Administrator")
	results["reimport_seconds"] = round(time.perf_counter() - start, 1)
	results["reimport"] = {k: v for k, v in again.items() if k != "errors"}

	# 4. grids
	start = time.perf_counter()
	grids = 0
	for compound in compounds:
		grids += len(apply_grid_proposal(compound.name))
	frappe.db.commit()
	results["grids"] = grids
	results["grid_seconds"] = round(time.perf_counter() - start, 1)
	results["residents"] = frappe.db.count("Resident")
	results["households"] = frappe.db.count("Household")

	time_lists(frappe, villages, args, results)
	print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
	return 0


def time_lists(frappe, villages, args, results):
	"""5. A page of 20 residents filtered by town (and by village), newest first: frappe.get_list as
	a user holding a role at that node against the same query in raw SQL (median of N runs)."""
	from frappe.utils.password import update_password

	town = villages["towns"]["小峡镇"]
	village = villages["first"][0]
	users = {}
	for role, node in (("Town Officer", town), ("Village Staff", village)):
		email = f"bench.{role.split()[0].lower()}@bench.xinqu.example"
		if not frappe.db.exists("User", email):
			frappe.get_doc(
				{"doctype": "User", "email": email, "first_name": role, "send_welcome_email": 0}
			).insert(ignore_permissions=True)
			frappe.get_doc(
				{
					"doctype": "Jurisdiction Assignment",
					"user": email,
					"role": role,
					"jurisdiction": node,
					"valid_from": "2015-01-09",
				}
			).insert(ignore_permissions=True)
			update_password(email, "bench")
		users[role] = (email, node)
	frappe.db.commit()

	fields = ["name", "full_name", "sex", "birth_date", "jurisdiction"]
	for role, (user, node) in users.items():
		lft, rgt = frappe.db.get_value("Jurisdiction", node, ["lft", "rgt"])
		nodes = [node, *frappe.db.get_descendants("Jurisdiction", node)]

		def scoped_list(node=node):
			return frappe.get_list(
				"Resident",
				filters={"jurisdiction": ["descendants of (inclusive)", node]},
				fields=fields,
				order_by="creation desc",
				limit_page_length=20,
			)

		def raw_sql(nodes=nodes):
			# what get_list sends: the node and its descendants as an IN list
			return frappe.db.sql(
				"""select name, full_name, sex, birth_date, jurisdiction from `tabResident`
				where jurisdiction in %s order by creation desc limit 20""",
				(tuple(nodes),),
				as_dict=True,
			)

		def raw_sql_nested_set(lft=lft, rgt=rgt):
			return frappe.db.sql(
				"""select r.name, r.full_name, r.sex, r.birth_date, r.jurisdiction from `tabResident` r
				where r.jurisdiction in (select j.name from `tabJurisdiction` j where j.lft >= %s and j.rgt <= %s)
				order by r.creation desc limit 20""",
				(lft, rgt),
				as_dict=True,
			)

		frappe.set_user(user)
		page = scoped_list()
		frappe.set_user("Administrator")
		assert len(page) == 20, f"{role}: expected a full page, got {len(page)}"
		assert [r.name for r in page] == [r.name for r in raw_sql()] == [r.name for r in raw_sql_nested_set()]
		frappe.set_user(user)
		frappe_ms, frappe_min = timed(scoped_list, args.repeat)
		frappe.set_user("Administrator")
		sql_ms, sql_min = timed(raw_sql, args.repeat)
		nested_ms, _nested_min = timed(raw_sql_nested_set, args.repeat)
		plan = frappe.db.sql(
			"explain select name from `tabResident` where jurisdiction in %s order by creation desc limit 20",
			(tuple(nodes),),
			as_dict=True,
		)[0]
		results[f"list_{role.split()[0].lower()}"] = {
			"node": node,
			"nodes_in_scope": len(nodes),
			"residents_in_scope": frappe.db.count("Resident", {"jurisdiction": ["in", nodes]}),
			"get_list_median_ms": round(frappe_ms, 2),
			"get_list_min_ms": round(frappe_min, 2),
			"raw_sql_median_ms": round(sql_ms, 2),
			"raw_sql_min_ms": round(sql_min, 2),
			"raw_sql_nested_set_subquery_median_ms": round(nested_ms, 2),
			"ratio": round(frappe_ms / sql_ms, 1) if sql_ms else None,
			"plan": {k: plan.get(k) for k in ("type", "key", "rows", "Extra")},
		}


if __name__ == "__main__":
	sys.exit(main())
