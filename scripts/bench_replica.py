#!/usr/bin/env python3
"""Replica benchmark (not a test): the app's reports read from a MariaDB replica through Frappe's
``read_from_replica``, checked to give the same numbers, with the primary's load measured.

	.venv/bin/python scripts/bench_replica.py                     # 20 000 households, 5 runs a report
	.venv/bin/python scripts/bench_replica.py --households 5000 --runs 3 --keep-servers

The MariaDB shared on 127.0.0.1:3306 runs without a binary log (``log_bin`` is 0) and its global
settings are not this script's to change, so it cannot be a replication primary. The script therefore
starts TWO servers of its own (``mariadb-install-db`` datadirs under /tmp/xinqu-replica-bench): a
scratch primary on port 3317 (binary log, server-id 1) and a replica on 3318 (read-only, server-id 2,
replicating by GTID from the primary's first transaction, so it receives the site as it is built).

Steps and what is printed:
1. the two servers and the replication;
2. a fresh site on the scratch primary (``new-site`` with DB_PORT / DB_SOCKET), the demo registry at
   ``--households`` and the grids of every compound, committed; then wait until the replica has
   applied the primary's last GTID;
3. each of the app's reports (Grid Coverage, Three-in-One Roster, Governance Measures, Overdue Queue)
   run through ``frappe.desk.query_report.run`` (the desk's endpoint, ``@frappe.read_only()``) ``--runs``
   times with ``read_from_replica`` off, then on (``replica_host`` 127.0.0.1, ``replica_db_port``
   3318): the rows must be equal; the primary's and the replica's ``Com_select`` and
   rows read (the ``Handler_read_*`` counters) counted over each phase: **the share of the report reads the primary still
   serves with the replica on** (≈ 0 is the goal) and the time per report in both phases;
4. the servers stopped and their datadirs removed unless ``--keep-servers``.
Record the figures in docs/scaling.md (## Replicas).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench_common import REPO, machine, mariadb_version, open_site

ROOT = Path("/tmp/xinqu-replica-bench")
PRIMARY = {"name": "primary", "port": 3317, "server_id": 1}
REPLICA = {"name": "replica", "port": 3318, "server_id": 2}
REPLICATION_USER, REPLICATION_PASSWORD = "xinqu_repl", "xinqu_repl_bench"
STATUS = ("Com_select", "rows_read")  # rows_read: the sum of the Handler_read_* counters


def main() -> int:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--db", default="xinqu_replica_bench")
	parser.add_argument("--households", type=int, default=20_000)
	parser.add_argument("--runs", type=int, default=5, help="runs of each report in each phase")
	parser.add_argument("--keep-servers", action="store_true")
	args = parser.parse_args()

	results = {"machine": machine()}
	servers = []
	try:
		for server in (PRIMARY, REPLICA):
			servers.append(start_server(server))
		start_replication()
		site_dir = ROOT / "sites" / args.db
		os.environ.update(DB_HOST="127.0.0.1", DB_PORT=str(PRIMARY["port"]), DB_SOCKET=socket_of(PRIMARY))
		frappe = open_site(site_dir, args.db, fresh=True)
		results["mariadb"] = mariadb_version(frappe)
		results["data"] = load_registry(frappe, args.households)
		results["replica_caught_up_seconds"] = wait_for_replica()
		results["reports"] = compare_reports(frappe, args.runs)
		print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
	finally:
		for process in reversed(servers):
			process.terminate()
			process.wait(timeout=120)
		if not args.keep_servers:
			shutil.rmtree(ROOT, ignore_errors=True)
	return 0


# ------------------------------------------------------------------ servers


def socket_of(server: dict) -> str:
	return str(ROOT / server["name"] / "mysqld.sock")


def start_server(server: dict) -> subprocess.Popen:
	"""A MariaDB server with its own datadir, port and socket (the OS root is its root, by socket)."""
	home = ROOT / server["name"]
	if home.exists():
		shutil.rmtree(home)
	(home / "data").mkdir(parents=True)
	subprocess.run(
		[
			"mariadb-install-db",
			"--no-defaults",
			f"--datadir={home / 'data'}",
			"--user=root",
			"--skip-test-db",
		],
		check=True,
		capture_output=True,
	)
	options = [
		"--no-defaults",
		f"--datadir={home / 'data'}",
		f"--port={server['port']}",
		f"--socket={socket_of(server)}",
		f"--pid-file={home / 'mysqld.pid'}",
		f"--log-error={home / 'error.log'}",
		"--bind-address=127.0.0.1",
		"--user=root",
		f"--server-id={server['server_id']}",
		"--character-set-server=utf8mb4",
		"--collation-server=utf8mb4_unicode_ci",
		"--innodb-buffer-pool-size=512M",
		"--innodb-flush-log-at-trx-commit=2",
		"--skip-name-resolve",
	]
	if server is PRIMARY:
		options += ["--log-bin=primary-bin", "--binlog-format=ROW"]
	else:
		options += ["--read-only=1", "--relay-log=replica-relay", "--log-slave-updates=0"]
	process = subprocess.Popen(["mariadbd", *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
	for _ in range(120):
		if sql(server, "select 1", check=False).returncode == 0:
			return process
		time.sleep(0.5)
	raise RuntimeError(f"the {server['name']} did not start: see {home / 'error.log'}")


def sql(server: dict, statement: str, *, check: bool = True) -> subprocess.CompletedProcess:
	return subprocess.run(
		["mariadb", f"--socket={socket_of(server)}", "-uroot", "-N", "-B", "-e", statement],
		check=check,
		capture_output=True,
		text=True,
	)


def start_replication() -> None:
	"""The replica follows the primary from its first GTID (both are empty: nothing to copy first)."""
	sql(
		PRIMARY,
		f"create user '{REPLICATION_USER}'@'127.0.0.1' identified by '{REPLICATION_PASSWORD}';"
		f"grant replication slave on *.* to '{REPLICATION_USER}'@'127.0.0.1';",
	)
	sql(
		REPLICA,
		f"change master to master_host='127.0.0.1', master_port={PRIMARY['port']},"
		f" master_user='{REPLICATION_USER}', master_password='{REPLICATION_PASSWORD}',"
		" master_use_gtid=slave_pos; start slave;",
	)


def wait_for_replica(timeout: float = 1800) -> float:
	"""Seconds until the replica has applied the primary's current GTID position."""
	target = sql(PRIMARY, "select @@gtid_binlog_pos").stdout.strip()
	start = time.perf_counter()
	waited = sql(REPLICA, f"select master_gtid_wait('{target}', {int(timeout)})").stdout.strip()
	if waited != "0":
		status = sql(REPLICA, "show slave status\\G").stdout
		raise RuntimeError(f"the replica did not reach {target}: {status[-1500:]}")
	return round(time.perf_counter() - start, 1)


def status(server: dict) -> dict:
	"""SELECT statements and rows read (every Handler_read_* counter: index and table reads) so far."""
	rows = sql(
		server, "show global status where variable_name = 'Com_select' or variable_name like 'Handler_read%'"
	)
	counters = {
		name: int(value) for name, value in (row.split("\t") for row in rows.stdout.split("\n") if row)
	}
	return {
		"Com_select": counters["Com_select"],
		"rows_read": sum(value for name, value in counters.items() if name.startswith("Handler_read")),
	}


# ------------------------------------------------------------------ data and reports


def load_registry(frappe, households: int) -> dict:
	from xinqu_demo.demo_data import registry as demo_data

	start = time.perf_counter()
	summary = demo_data.generate(scale=households, with_workers=False)
	frappe.db.commit()
	return {
		"households": frappe.db.count("Household"),
		"residents": frappe.db.count("Resident"),
		"import_errors": len(summary.get("import_errors") or []),
		"seconds": round(time.perf_counter() - start, 1),
	}


def report_filters(frappe) -> dict:
	city = frappe.db.get_value("Jurisdiction", {"parent_jurisdiction": ["in", ["", None]]}, "name")
	today = frappe.utils.getdate()
	return {
		"Grid Coverage": {},
		"Three-in-One Roster": {},
		"Governance Measures": {
			"jurisdiction": city,
			"from_date": str(frappe.utils.add_days(today, -365)),
			"to_date": str(today),
		},
		"Overdue Queue": {"jurisdiction": city},
	}


def end_request(frappe) -> None:
	"""What the end of a web request does for the next one: ``frappe.read_only`` swaps in a replica
	connection only when ``frappe.local`` holds none yet (``connect_replica``) and, after the call,
	closes it and restores the primary but leaves both attributes set; a request starts with a fresh
	``frappe.local``. In this one long process, without this, only the first report would read from
	the replica."""
	for attribute in ("replica_db", "primary_db"):
		if hasattr(frappe.local, attribute):
			delattr(frappe.local, attribute)


def compare_reports(frappe, runs: int) -> dict:
	from frappe.desk.query_report import run

	filters = report_filters(frappe)
	phases = {}
	answers = {}
	for phase, on in (("primary_only", False), ("read_from_replica", True)):
		frappe.conf.read_from_replica = on
		frappe.conf.replica_host = "127.0.0.1"
		frappe.conf.replica_db_port = REPLICA["port"]
		frappe.db.commit()
		before = {"primary": status(PRIMARY), "replica": status(REPLICA)}
		seconds = {}
		for name, report_filter in filters.items():
			start = time.perf_counter()
			for _ in range(runs):
				answer = run(name, filters=report_filter, ignore_prepared_report=True)
				end_request(frappe)
			seconds[name] = round((time.perf_counter() - start) / runs * 1000, 1)
			answers.setdefault(name, []).append(json.dumps(answer["result"], sort_keys=True, default=str))
		after = {"primary": status(PRIMARY), "replica": status(REPLICA)}
		phases[phase] = {
			"ms_per_report": seconds,
			**{
				f"{server}_{name}": after[server][name] - before[server][name]
				for server in ("primary", "replica")
				for name in STATUS
			},
		}
	frappe.conf.read_from_replica = False
	same = {name: len(set(pair)) == 1 for name, pair in answers.items()}
	rows = {name: len(json.loads(pair[0])) for name, pair in answers.items()}
	off, on = phases["primary_only"], phases["read_from_replica"]
	return {
		**phases,
		"rows_per_report": rows,
		"same_numbers": same,
		"primary_rows_read_share_with_replica": round(
			on["primary_rows_read"] / max(off["primary_rows_read"], 1), 3
		),
		"primary_selects_share_with_replica": round(
			on["primary_Com_select"] / max(off["primary_Com_select"], 1), 3
		),
	}


if __name__ == "__main__":
	sys.path.insert(0, str(REPO / "scripts"))
	sys.exit(main())
