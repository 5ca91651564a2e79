"""What the benchmarks (scripts/bench_registry.py, scripts/bench_cases.py) share: a fresh site and the
connection to it through the dev runtime, the machine they ran on, timings and memory."""

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def create_site(site_dir: Path, db: str) -> None:
	"""A fresh site (``new-site --force``) on the database ``db``; its output in ``<site_dir>.install.log``."""
	print(f"creating a fresh site {site_dir} ...", flush=True)
	site_dir.parent.mkdir(parents=True, exist_ok=True)  # sites/ is not committed: a fresh clone has none
	with open(f"{site_dir}.install.log", "w") as log:
		subprocess.run(
			[
				sys.executable,
				"-m",
				"xinqu_runtime",
				"--site-dir",
				str(site_dir),
				"new-site",
				"--db",
				db,
				"--port",
				"0",
				"--force",
			],
			check=True,
			stdout=log,
			stderr=subprocess.STDOUT,
			cwd=REPO,
		)


def open_site(site_dir: Path, db: str, fresh: bool):
	"""``frappe`` connected to the site in ``site_dir``, made afresh on ``db`` first when ``fresh``: then
	its background queues are emptied too (Redis keeps them across sites of the same path, and no
	worker serves a benchmark site: the jobs of earlier runs would pile up until Frappe refuses every
	enqueue with QueueOverloaded)."""
	if fresh:
		create_site(site_dir, db)
	frappe = connect(site_dir)
	if fresh:
		from frappe.utils.background_jobs import get_queues

		for queue in get_queues():
			queue.empty()
	return frappe


def connect(site_dir: Path):
	"""``frappe``, connected as Administrator to the site in ``site_dir`` (dev runtime)."""
	sys.path.insert(0, str(REPO / "runtime"))
	from xinqu_runtime import site

	return site.connect(site_dir)


def machine() -> str:
	"""Cores, memory, OS and Python of this machine, as the benchmark docs quote them."""
	memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
	return (
		f"{os.cpu_count()} cores, {memory_gib:.0f} GiB, "
		f"{platform.platform()}, Python {platform.python_version()}"
	)


def mariadb_version(frappe) -> str:
	return frappe.db.sql("select version()")[0][0]


# the server settings that decide the plans and timings of the benchmarks' queries
MARIADB_SETTINGS = (
	"version",
	"innodb_buffer_pool_size",
	"innodb_flush_log_at_trx_commit",
	"eq_range_index_dive_limit",
	"optimizer_use_condition_selectivity",
	"optimizer_search_depth",
	"optimizer_switch",
	"use_stat_tables",
	"histogram_size",
	"join_cache_level",
	"join_buffer_size",
	"sort_buffer_size",
	"tmp_table_size",
	"max_heap_table_size",
	"query_cache_type",
	"query_cache_size",
	"max_statement_time",
)


def mariadb_settings(frappe) -> dict:
	"""The MariaDB server's settings that bear on the measured queries (printed with every result)."""
	rows = frappe.db.sql(
		"show global variables where Variable_name in %s", (MARIADB_SETTINGS,), as_dict=True
	)
	return {row.Variable_name: row.Value for row in sorted(rows, key=lambda r: r.Variable_name)}


def rotated_medians(measures: dict, rounds: int) -> dict:
	"""{name: (median, min) in ms} of ``measures`` ({name: fn}), timed in ``rounds`` rounds; each round
	calls every measure once, starting one further along each time, so that a spell of load on the
	machine falls on all of them alike."""
	names = list(measures)
	samples = {name: [] for name in names}
	for round_ in range(rounds):
		shift = round_ % len(names)
		for name in names[shift:] + names[:shift]:
			start = time.perf_counter()
			measures[name]()
			samples[name].append((time.perf_counter() - start) * 1000.0)
	return {name: (statistics.median(values), min(values)) for name, values in samples.items()}


def timed(fn, repeat: int) -> tuple[float, float]:
	"""(median, min) of ``repeat`` calls of ``fn``, in milliseconds."""
	samples = []
	for _ in range(repeat):
		start = time.perf_counter()
		fn()
		samples.append((time.perf_counter() - start) * 1000.0)
	return statistics.median(samples), min(samples)


def peak_rss_mib() -> float:
	"""The peak resident memory of this process so far (max RSS), in MiB."""
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
