#!/usr/bin/env python3
"""Registry benchmark (not a test): import 100k households / ~330k residents into a fresh database as
two files of N and 4N households, then time a jurisdiction-scoped resident list against the same
query in raw SQL.

        .venv/bin/python scripts/bench_registry.py                    # fresh database xinqu_reg_bench
        .venv/bin/python scripts/bench_registry.py --households 20000 --keep

Steps and what is printed:
1. a fresh site (``new-site --force``) unless ``--keep``; the jurisdiction tree and the 22 compounds
   with enough buildings / dwellings (set-based);
2. the demo generator's households written as two csv files with Chinese headers: the first fifth of
   the households (N) and the rest (4N);
3. each file imported through the real import path (``importer.import_file``) in a process of its
   own, its peak-RSS mark reset after start-up, so that the peak is the import's own: rows per second
   and peak RSS per file, and **the ratio of peak RSS at 4N and at N rows (≈ 1 when memory is flat)**;
4. the rows the N file wrote (residents, households, member and special-group rows) deleted and
   written again with ``frappe.db.bulk_insert``, unvalidated: **the throughput ratio of the validated
   import against bulk_insert of the same rows (≥ 1: the import is not slower)**;
5. the 4N file imported again (idempotent re-run: nothing written);
6. grids proposed and applied for every compound;
7. a page of 20 residents filtered by town, newest first, as a Town Officer and as a Village Staff
   user through ``frappe.get_list`` (User Permissions applied), against the same query in raw SQL:
   median of N runs each, printed as a ratio.
Record the figures in docs/benchmarks.md with the machine.
"""

import argparse
import contextlib
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import (
	REPO,
	connect,
	machine,
	mariadb_version,
	open_site,
	peak_rss_mib,
	timed,
)

IMPORTED_TABLES = (
	"Resident",
	"Resident Special Group",
	"Household",
	"Household Member",
)


def main() -> int:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--db", default="xinqu_reg_bench")
	parser.add_argument("--households", type=int, default=100_000, help="N + 4N")
	parser.add_argument("--seed", type=int, default=20150109)
	parser.add_argument("--repeat", type=int, default=30, help="runs per timed query")
	parser.add_argument(
		"--keep",
		action="store_true",
		help="reuse the database instead of recreating it",
	)
	parser.add_argument(
		"--lists-only",
		action="store_true",
		help="reuse the database, only time the lists",
	)
	parser.add_argument("--imports-only", action="store_true", help="stop after step 4 (memory, bulk_insert)")
	parser.add_argument("--import-file", help=argparse.SUPPRESS)  # step 3 and 5, in a child process
	args = parser.parse_args()

	site_dir = REPO / "sites" / args.db
	if args.import_file:
		return import_in_this_process(site_dir, args.import_file)
	if args.lists_only:
		args.keep = True
	frappe = open_site(site_dir, args.db, fresh=not args.keep or not (site_dir / ".env").exists())

	from xinqu_demo.demo_data import registry as demo_data

	results = {
		"machine": machine(),
		"households_requested": args.households,
		"mariadb": mariadb_version(frappe),
	}

	if args.lists_only:
		time_lists(frappe, demo_data.ensure_tree(), args, results)
		print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
		return 0

	villages = build_registry(frappe, args, results)
	if not args.imports_only:
		time_lists(frappe, villages, args, results)
	print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
	return 0


def build_registry(frappe, args, results) -> dict:
	"""Steps 1-4 (``args.households``, ``args.seed``, ``args.db``); also used by scripts/bench_city.py.
	Returns the demo tree's villages."""
	import random

	from xinqu_demo.demo_data import registry as demo_data
	from xinqu_governance.registry import importer
	from xinqu_governance.registry.grids import apply_grid_proposal

	# 1. tree and housing
	start = time.perf_counter()
	villages = demo_data.ensure_tree()
	compounds = demo_data.ensure_compounds(villages, args.households)
	frappe.db.commit()
	results["housing_seconds"] = round(time.perf_counter() - start, 1)
	results["dwellings"] = frappe.db.count("Dwelling")

	# 2. the spreadsheets
	small, large = write_files(args, compounds, results)

	# 3. each file in a process of its own: rows per second and peak memory
	for name, path in (("n", small), ("4n", large)):
		results[f"import_{name}"] = import_in_child(args.db, path)
		print(
			json.dumps({f"import_{name}": results[f"import_{name}"]}, ensure_ascii=False),
			flush=True,
		)
	n, n4 = results["import_n"], results["import_4n"]
	results["memory"] = {
		"rows_ratio_4n_to_n": round(n4["rows"] / n["rows"], 2),
		"peak_rss_ratio_4n_to_n": round(n4["peak_rss_mib"] / n["peak_rss_mib"], 2),
		"import_growth_ratio_4n_to_n": round(n4["rss_growth_mib"] / max(n["rss_growth_mib"], 1), 2),
		"flat": n4["peak_rss_mib"] < 1.2 * n["peak_rss_mib"],
	}
	print(json.dumps({"memory": results["memory"]}), flush=True)

	# 4. the N file's rows again through frappe.db.bulk_insert
	frappe.db.rollback()
	results["bulk_insert_of_the_same_rows"] = rewrite_with_bulk_insert(frappe, small, n)
	print(json.dumps({"bulk_insert": results["bulk_insert_of_the_same_rows"]}), flush=True)
	if getattr(args, "imports_only", False):
		return villages

	# 5. re-run: nothing changes
	if getattr(args, "reimport", True):
		results["reimport_4n"] = import_in_child(args.db, large)

	# 6. grids
	start = time.perf_counter()
	grids = 0
	for number, compound in enumerate(compounds, start=1):
		# one compound's grids a transaction, as the desk applies them (one request a compound)
		grids += len(apply_grid_proposal(compound.name))
		frappe.db.commit()
		if number % 50 == 0 or number == len(compounds):
			progress = {"compounds": number, "of": len(compounds), "grids": grids}
			progress["seconds"] = round(time.perf_counter() - start, 1)
			print(json.dumps({"grids_progress": progress}), flush=True)
	results["grids"] = grids
	results["grid_seconds"] = round(time.perf_counter() - start, 1)
	results["residents"] = frappe.db.count("Resident")
	results["households"] = frappe.db.count("Household")

	return villages


def write_files(args, compounds, results) -> tuple[Path, Path]:
	"""The demo generator's households as two csv files: the first fifth of the households, the rest."""
	import random

	from xinqu_demo.demo_data import registry as demo_data
	from xinqu_governance.registry import importer

	rows, columns = demo_data.household_rows(compounds, args.households, random.Random(args.seed))
	header = [importer.COLUMNS[key][0] for key in columns]
	small_households = args.households // 5
	paths = [Path(tempfile.gettempdir()) / f"{args.db}-households-{name}.csv" for name in ("n", "4n")]
	with contextlib.ExitStack() as stack:
		writers = [
			csv.writer(stack.enter_context(open(p, "w", newline="", encoding="utf-8-sig"))) for p in paths
		]
		for writer in writers:
			writer.writerow(header)
		codes = set()
		for row in rows:
			codes.add(row["household_code"])
			writer = writers[0] if len(codes) <= small_households else writers[1]
			writer.writerow(["" if row.get(key) is None else row.get(key) for key in columns])
	results["file_rows"] = len(rows)
	results["file_mib"] = {p.name: round(p.stat().st_size / 2**20, 1) for p in paths}
	return paths[0], paths[1]


def import_in_child(db: str, path: Path) -> dict:
	"""Steps 3 and 5 in a fresh process (its max RSS is this import's alone)."""
	done = subprocess.run(
		[sys.executable, __file__, "--db", db, "--import-file", str(path)],
		check=True,
		capture_output=True,
		text=True,
		cwd=REPO,
	)
	return json.loads(done.stdout.strip().splitlines()[-1])


def import_in_this_process(site_dir: Path, path: str) -> int:
	connect(site_dir)
	from xinqu_governance.registry import importer

	rss_before = reset_peak_rss()  # the connected framework; its start-up peak is forgotten
	start = time.perf_counter()
	imported = importer.import_file(path, user="Administrator")
	seconds = time.perf_counter() - start
	peak = import_peak_rss_mib()
	summary = {k: v for k, v in imported.items() if k not in ("errors", "changes")}
	summary.update(
		errors=imported["errors"][:5],
		seconds=round(seconds, 1),
		rows_per_second=round(imported["rows"] / seconds),
		peak_rss_mib=round(peak),
		rss_before_import_mib=round(rss_before),
		rss_growth_mib=round(peak - rss_before),
		max_rss_of_the_process_mib=round(peak_rss_mib()),
	)
	print(json.dumps(summary, ensure_ascii=False, default=str))
	return 0


def reset_peak_rss() -> float:
	"""Reset the kernel's peak-RSS mark of this process (Linux: ``5`` to /proc/self/clear_refs) and
	return the current RSS in MiB, so that the peak read after the import is the import's own: the
	framework's start-up (migrations, caches) peaks higher than a small import."""
	with open("/proc/self/clear_refs", "w") as f:
		f.write("5")
	return _proc_status_mib("VmRSS")


def import_peak_rss_mib() -> float:
	"""Peak RSS since reset_peak_rss (VmHWM), in MiB."""
	return _proc_status_mib("VmHWM")


def _proc_status_mib(key: str) -> float:
	with open("/proc/self/status") as f:
		for line in f:
			if line.startswith(key + ":"):
				return int(line.split()[1]) / 1024.0
	raise RuntimeError(f"/proc/self/status has no {key}")


def rewrite_with_bulk_insert(frappe, path: Path, imported: dict) -> dict:
	"""Delete the rows the import of ``path`` wrote and insert the same rows (every column, same names)
	with ``frappe.db.bulk_insert``: no validation, no file, no lookups. Leaves the database as it was."""
	from xinqu_governance.registry import importer

	with open(path, encoding="utf-8-sig", newline="") as f:
		reader = csv.reader(f)
		code_column = next(reader).index(importer.COLUMNS["household_code"][0])
		codes = sorted({row[code_column] for row in reader})
	households = select_in(frappe, "Household", "name", codes)
	members = select_in(frappe, "Household Member", "parent", codes)
	residents = select_in(frappe, "Resident", "household", codes)
	names = [row[0] for row in residents[1]]
	rows = {
		"Resident": residents,
		"Resident Special Group": select_in(frappe, "Resident Special Group", "parent", names),
		"Household": households,
		"Household Member": members,
	}
	for doctype, field, values in (
		("Resident Special Group", "parent", names),
		("Resident", "name", names),
		("Household Member", "parent", codes),
		("Household", "name", codes),
	):
		table = frappe.qb.DocType(doctype)
		for start in range(0, len(values), 5000):
			frappe.qb.from_(table).delete().where(table[field].isin(values[start : start + 5000])).run()
	frappe.db.commit()
	written = sum(len(values) for _fields, values in rows.values())
	start = time.perf_counter()
	for doctype in IMPORTED_TABLES:
		fields, values = rows[doctype]
		frappe.db.bulk_insert(doctype, fields, values)
		frappe.db.commit()
	seconds = time.perf_counter() - start
	return {
		"database_rows": written,
		"rows_per_table": {doctype: len(values) for doctype, (_f, values) in rows.items()},
		"bulk_insert_seconds": round(seconds, 1),
		"import_seconds": imported["seconds"],
		"import_faster_by": round(seconds / imported["seconds"], 2),
	}


def select_in(frappe, doctype: str, field: str, values: list) -> tuple[list[str], list[tuple]]:
	"""(every column, the rows whose ``field`` is in ``values``)."""
	fields = frappe.db.get_table_columns(doctype)
	table = frappe.qb.DocType(doctype)
	rows = []
	for start in range(0, len(values), 5000):
		rows.extend(
			frappe.qb.from_(table)
			.select(*[table[f] for f in fields])
			.where(table[field].isin(values[start : start + 5000]))
			.run()
		)
	return fields, rows


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
				{
					"doctype": "User",
					"email": email,
					"first_name": role,
					"send_welcome_email": 0,
				}
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
