#!/usr/bin/env python3
"""City-scale benchmark driver (not a test): one site with a city's registry and a year of its cases,
then every measurement the other benchmarks define, printed together with the MariaDB server's
settings, measured in one run.

	.venv/bin/python scripts/bench_city.py                                  # 500k households (~1.6M residents), 1M cases
	.venv/bin/python scripts/bench_city.py --households 20000 --cases 100000  # verify at a smaller scale first
	.venv/bin/python scripts/bench_city.py --keep --measure-only            # time again on the built site

Steps (each skipped when its data is there already, so a run can be resumed with ``--keep``):
1. a fresh site ``--db`` (default xinqu_city_bench) unless ``--keep``; the district profile applied and
   the case indexes made (as after a migrate);
2. the registry: ``--households`` households through the real import path (bench_registry.build_registry);
   its grids through the registry's own path (`registry.grids.apply_grid_proposal`, one compound a
   transaction as the desk applies them);
3. ``--cases`` cases reported over ``--years`` years, written set-based with outcomes, mediation types
   and sessions, parties and ratings (bench_cases.insert_cases): a tenth first, the SLA job timed on
   it, then the other nine tenths, so that the job's cost at a tenth and at the whole are one run's;
4. Governance Measures' summary rebuilt (timed) and the statistics refreshed;
5. the measurements: Governance Measures (bench_measures.time_measures); the scoped resident pages,
   the exact count and the Overdue Queue as the town's officer (bench_scoping); the SLA job
   (bench_cases.run_job: settling once, then 70 fresh breaches, then idle) and its ratio to the tenth.
``--buffer-pool-gib 6 --log-file-gib 1`` sets MariaDB's buffer pool and redo log first (docs/scaling.md).
The JSON printed at the end holds every figure; docs/benchmarks.md quotes them.
"""

import argparse
import json
import sys
import time

import bench_cases
import bench_measures
import bench_registry
from bench_common import REPO, machine, mariadb_settings, open_site, peak_rss_mib


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
	parser.add_argument("--db", default="xinqu_city_bench")
	parser.add_argument("--households", type=int, default=500_000)
	parser.add_argument("--cases", type=int, default=1_000_000)
	parser.add_argument("--seed", type=int, default=20150109)
	parser.add_argument("--rounds", type=int, default=10, help="rounds per timed measure")
	parser.add_argument("--raw-rounds", type=int, default=3, help="rounds of the slow raw aggregations")
	parser.add_argument("--keep", action="store_true", help="reuse the database")
	parser.add_argument("--measure-only", action="store_true", help="reuse the database, only measure")
	parser.add_argument("--job-breaches", type=int, default=70, help="fresh breaches of the timed SLA job run")
	parser.add_argument("--no-job", action="store_true", help="do not time the SLA job")
	parser.add_argument("--buffer-pool-gib", type=float, default=0, help="set MariaDB's innodb_buffer_pool_size first")
	parser.add_argument("--log-file-gib", type=float, default=0, help="set MariaDB's innodb_log_file_size first")
	bench_cases.add_data_arguments(parser)
	parser.set_defaults(years=1)
	args = parser.parse_args()
	# what the other scripts' steps read from their own arguments
	args.breaches, args.backlog, args.reimport, args.repeat = 0, 0, False, args.rounds

	site_dir = REPO / "sites" / args.db
	if args.measure_only:
		args.keep = True
	frappe = open_site(site_dir, args.db, fresh=not args.keep or not (site_dir / ".env").exists())
	frappe.flags.in_test = False
	applied = apply_server_settings(frappe, args)
	results = {"machine": machine(), "mariadb_settings": mariadb_settings(frappe), "args": vars(args)}
	results["server_settings_applied"] = applied
	started = time.perf_counter()

	if not args.measure_only:
		build(frappe, args, results)
	results["data"] = {
		doctype: frappe.db.count(doctype)
		for doctype in ("Resident", "Household", "Jurisdiction", "Dispute", "Petition", "Mediation Session", "Dispute Party")
	}
	results["measurements"] = measure(frappe, args)
	results["seconds"] = round(time.perf_counter() - started, 1)
	results["peak_rss_mib"] = round(peak_rss_mib())
	print(json.dumps(results, ensure_ascii=False, indent=1, default=str), flush=True)
	return 0


def build(frappe, args, results) -> None:
	from xinqu_governance.cases.case_types import ensure_case_indexes
	from xinqu_governance.profile import apply_profile

	start = time.perf_counter()
	apply_profile(REPO)
	ensure_case_indexes()
	frappe.db.commit()
	results["profile_seconds"] = round(time.perf_counter() - start, 1)
	step(results, "registry", not frappe.db.count("Resident"), lambda r: bench_registry.build_registry(frappe, args, r))
	step(results, "grids", frappe.db.count("Jurisdiction", {"level": "Grid"}) < 100, lambda r: grid_every_village(frappe, r))
	step(results, "cases_tenth", not frappe.db.count("Dispute"), lambda r: insert_tenth(frappe, args, r))
	if not args.no_job and "sla_job_at_tenth" not in results and not (site_dir(args) / "sla_tenth.json").exists():
		results["sla_job_at_tenth"] = time_sla_job(frappe, args)
		results["sla_job_at_tenth"]["daily_jobs"] = time_daily_jobs(frappe)
		(site_dir(args) / "sla_tenth.json").write_text(json.dumps(results["sla_job_at_tenth"]))
	step(
		results,
		"cases_rest",
		frappe.db.count("Dispute", {"name": ("like", "DSP-C-%")}) == 0,
		lambda r: insert_rest(frappe, args, r),
	)
	results["summary"] = bench_measures.build_summary(frappe)
	for table in ("Resident", "Household", "Household Member"):
		frappe.db.sql(f"analyze table `tab{table}`")


def site_dir(args):
	return REPO / "sites" / args.db


def insert_tenth(frappe, args, results) -> None:
	"""A tenth of the cases first: the SLA job is timed on them before the rest come, so that its
	cost at a tenth and at the whole is measured in one run."""
	tenth = argparse.Namespace(**{**vars(args), "cases": args.cases // 10})
	bench_cases.insert_cases(frappe, tenth, results, tag="B")


def insert_rest(frappe, args, results) -> None:
	rest = argparse.Namespace(**{**vars(args), "cases": args.cases - args.cases // 10})
	bench_cases.insert_cases(frappe, rest, results, tag="C")


def apply_server_settings(frappe, args) -> dict:
	"""--buffer-pool-gib / --log-file-gib: MariaDB's InnoDB buffer pool and redo log for the working
	set, as docs/scaling.md asks of a deployment (both dynamic in MariaDB 10.11; SUPER needed).
	The settings in force are printed with the results either way. As MariaDB's root (the runtime's
	`root_connection`, as new-site uses it): the site's own user may not change the server."""
	from xinqu_runtime.site import root_connection

	applied = {}
	settings = (("innodb_buffer_pool_size", args.buffer_pool_gib), ("innodb_log_file_size", args.log_file_gib))
	if not any(gib for _variable, gib in settings):
		return applied
	root = root_connection()
	for variable, gib in settings:
		if gib:
			root.cursor().execute(f"set global {variable} = {int(gib * 2**30)}")
			applied[variable] = int(gib * 2**30)
	root.close()
	return applied


GRID_HOUSEHOLDS = 300  # households a grid worker looks after


def grid_every_village(frappe, results) -> None:
	"""The grids of the city, set-based, for the benchmark's data: ~300 households a grid, each
	village's households (and their residents) moved to its grids by a hash of the household's name.

	Not the registry's own path (`registry.grids.create_proposed_grids`, one grid at a time: 60 ms a
	grid at 100k households, measured in docs/benchmarks.md); at 1.6M residents on a 128 MiB buffer
	pool it ran ten minutes in one transaction (5.1M row changes) when stopped. That path at city
	scale is an open problem (docs/benchmarks.md)."""
	from frappe.utils.nestedset import rebuild_tree

	villages = frappe.db.sql(
		"""select jurisdiction, count(*) from `tabHousehold` h join `tabJurisdiction` j on j.name = h.jurisdiction
		where j.level = 'Village' group by jurisdiction""",
		as_list=True,
	)
	rows, now = [], frappe.utils.now()
	for village, households in villages:
		for number in range(1, max(1, round(households / GRID_HOUSEHOLDS)) + 1):
			name = f"{village}第{number}片网格"
			rows.append((name, now, now, "Administrator", "Administrator", name, "Grid", village, 0, 0))
	frappe.db.sql("delete from `tabJurisdiction` where name like '%%片网格'")
	fields = ["name", "creation", "modified", "owner", "modified_by", "jurisdiction_name", "level", "parent_jurisdiction", "lft", "rgt"]
	bench_cases.insert_many(frappe, "Jurisdiction", fields, rows)
	rebuild_tree("Jurisdiction")
	grids_of = {village: max(1, round(households / GRID_HOUSEHOLDS)) for village, households in villages}
	for village, count in grids_of.items():
		frappe.db.sql(
			"""update `tabHousehold` set grid = concat(jurisdiction, '第', 1 + crc32(name) %% %(count)s, '片网格'),
			jurisdiction = concat(jurisdiction, '第', 1 + crc32(name) %% %(count)s, '片网格')
			where jurisdiction = %(village)s""",
			{"count": count, "village": village},
		)
		frappe.db.commit()
	frappe.db.sql(
		"""update `tabResident` r join `tabHousehold Member` m on m.resident = r.name
		join `tabHousehold` h on h.name = m.parent
		set r.jurisdiction = h.jurisdiction, r.grid = h.jurisdiction
		where r.jurisdiction <> h.jurisdiction"""
	)
	frappe.db.commit()
	results["grids_made"] = len(rows)
	results["nodes"] = frappe.db.count("Jurisdiction")


def step(results, name, needed: bool, run) -> None:
	if not needed:
		results[name] = "kept"
		return
	start = time.perf_counter()
	results[name] = {}
	run(results[name])
	results[name]["seconds"] = round(time.perf_counter() - start, 1)
	print(json.dumps({name: results[name]}, ensure_ascii=False, default=str), flush=True)


def measure(frappe, args) -> dict:
	"""Every benchmark's measurement on this site: Governance Measures, the scoped resident pages and
	counts and the Overdue Queue as the town's officer (bench_scoping), the SLA job."""
	import bench_scoping

	user = bench_scoping.town_officer(frappe)
	out = {"governance_measures": bench_measures.time_measures(frappe, args.rounds, args.raw_rounds)}
	lft, rgt = frappe.db.get_value("Jurisdiction", bench_scoping.TOWN, ["lft", "rgt"])
	if frappe.db.count("Resident"):
		out["scoped_residents"] = bench_scoping.time_residents(frappe, user, lft, rgt, args.rounds)
	out["overdue_queue"] = bench_scoping.time_queue(frappe, user, lft, rgt, args.rounds)
	out["grid_creation"] = time_grid_creation(frappe)
	if not args.no_job:
		out["sla_job"] = time_sla_job(frappe, args)
		out["sla_job"]["daily_jobs"] = time_daily_jobs(frappe)
		tenth_file = site_dir(args) / "sla_tenth.json"
		if tenth_file.exists():
			out["sla_job_at_tenth"] = tenth = json.loads(tenth_file.read_text())
			out["sla_job_ratio_whole_to_tenth"] = {
				run: round(out["sla_job"][run]["seconds"] / max(tenth[run]["seconds"], 0.0001), 2)
				for run in ("sla_job_breach_run", "sla_job_idle_run")
			}
			whole_jobs, tenth_jobs = out["sla_job"]["daily_jobs"], tenth.get("daily_jobs", {})
			out["daily_jobs_ratio_whole_to_tenth"] = {
				job: round(seconds / max(tenth_jobs[job], 0.001), 2)
				for job, seconds in whole_jobs.items()
				if job in tenth_jobs
			}
			if tenth_jobs.get("repair_cases_of_the_day") and whole_jobs.get("repair_cases_of_the_day"):
				# the daily repair's cost per case written that day, at the whole against at a tenth
				out["measure_repair_per_case_whole_to_tenth"] = round(
					(whole_jobs["repair_measure_counts"] / whole_jobs["repair_cases_of_the_day"])
					/ max(tenth_jobs["repair_measure_counts"] / tenth_jobs["repair_cases_of_the_day"], 1e-6),
					2,
				)
	return out


def time_grid_creation(frappe, buildings: int = 60) -> dict:
	"""The registry's grid creation on the city's tree: a new compound of `buildings` multi-storey
	buildings (a grid each) in the village first in the tree, so that every other node lies to its
	right; its grids made by `apply_grid_proposal` with their places reserved by one shift
	(`Jurisdiction.reserve_leaves`), against the same with Frappe's own add per node
	(`update_add_node`, what the app did before). Both from one savepoint, rolled back after."""
	from xinqu_governance.registry import grids

	village = frappe.db.sql(
		"select name from `tabJurisdiction` where level = 'Village' order by lft limit 1"
	)[0][0]
	compound = frappe.get_doc(
		{"doctype": "Resettlement Compound", "compound_name": "测时小区", "jurisdiction": village, "address": "测时小区"}
	).insert(ignore_permissions=True)
	for number in range(1, buildings + 1):
		frappe.get_doc(
			{
				"doctype": "Building",
				"compound": compound.name,
				"building_number": str(number),
				"building_type": "Multi-storey",
				"floors": 6,
				"unit_count": 2,
				"dwellings_per_floor": 2,
				"create_units_and_dwellings": 1,
			}
		).insert(ignore_permissions=True)
	frappe.db.savepoint("grid_creation")
	out = {"village": village, "nodes": frappe.db.count("Jurisdiction"), "grids": 0}
	reserve = grids.reserve_leaves
	for label in ("one_shift", "frappe_add_per_node"):
		if label == "frappe_add_per_node":  # no place given: Frappe's update_nsm adds each node
			grids.reserve_leaves = lambda parent, count: [(0, 0)] * count
		updated = rows_updated(frappe)
		start = time.perf_counter()
		try:
			out["grids"] = len(grids.apply_grid_proposal(compound.name))
		finally:
			grids.reserve_leaves = reserve
		out[f"{label}_seconds"] = round(time.perf_counter() - start, 3)
		out[f"{label}_rows_updated"] = rows_updated(frappe) - updated
		frappe.db.rollback(save_point="grid_creation")
	frappe.db.rollback()
	out["ratio"] = round(out["frappe_add_per_node_seconds"] / max(out["one_shift_seconds"], 0.001), 2)
	print(json.dumps({"grid_creation": out}, ensure_ascii=False), flush=True)
	return out


def rows_updated(frappe) -> int:
	"""The rows this connection's statements updated so far (MariaDB's Handler_update)."""
	from frappe.utils import cint

	return cint(frappe.db.sql("show session status like 'Handler_update'")[0][1])


def time_daily_jobs(frappe) -> dict:
	"""Each of the app's weekly and daily scheduler jobs (hooks `scheduler_events["weekly_long"]`, then
	`["daily"]`) run once and timed, in seconds, at a tenth of the cases and at the whole: the weekly
	full rebuild of the summary first (it settles the bulk-loaded cases), then the daily jobs with the
	summary's repair reading one day's writes (its mark set back a day: the generator stamps each case's
	`modified` with its last event, spread over the year) — `repair_cases_of_the_day` is how many cases
	that day holds, so its cost can be read per case written."""
	from frappe.utils import add_days, now_datetime
	from xinqu_governance.cases import measure_counts

	timings = {}
	events = frappe.get_hooks("scheduler_events", app_name="xinqu_governance")
	for event in ("weekly_long", "daily"):
		if event == "daily":
			day_ago = add_days(now_datetime(), -1)
			frappe.db.set_global(measure_counts.REPAIRED_AT, str(day_ago))
			frappe.db.commit()
			since = day_ago - measure_counts.REPAIR_OVERLAP
			timings["repair_cases_of_the_day"] = sum(
				frappe.db.count(doctype, {"modified": (">=", since)}) for doctype in measure_counts.MEASURED_DOCTYPES
			)
		for path in events.get(event, []):
			start = time.perf_counter()
			frappe.get_attr(path)()
			frappe.db.commit()
			timings[path.rsplit(".", 1)[-1]] = round(time.perf_counter() - start, 3)
			print(json.dumps({f"{event}_job": path, "seconds": timings[path.rsplit(".", 1)[-1]]}), flush=True)
	return timings


def time_sla_job(frappe, args) -> dict:
	"""The SLA job (bench_cases.run_job): once after the bulk load every open case is due (the
	settling run, recorded on the site so that a --measure-only run skips it), then a run with
	--breaches fresh breaches, then an idle run."""
	marker = site_dir(args) / "sla_settled"
	cases = str(frappe.db.count("Dispute") + frappe.db.count("Petition"))
	results: dict = {"cases": int(cases)}
	args.breaches = args.job_breaches
	bench_cases.run_job(frappe, results, args, settle=not marker.exists() or marker.read_text().strip() != cases)
	marker.write_text(cases + "\n")
	return results


if __name__ == "__main__":
	sys.exit(main())
