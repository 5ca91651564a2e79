"""`xq`: the runtime's stand-in for `bench` (one site per folder).

    python -m xinqu_runtime [--site-dir DIR] COMMAND

new-site, migrate, serve, worker, schedule, execute, and every app's own bench commands
(e.g. xinqu-apply-profile) with the same click objects bench would load from `<app>.commands`.
"""

import json
import os
import sys
from pathlib import Path

import click

from . import site as site_mod

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SITE_DIR = REPO / "sites" / "demo"


def site_dir_of(ctx) -> Path:
	return Path(ctx.obj["site_dir"]).resolve()


@click.group()
@click.option("--site-dir", envvar="XQ_SITE_DIR", default=str(DEFAULT_SITE_DIR), show_default=True)
@click.pass_context
def main(ctx, site_dir):
	ctx.ensure_object(dict)
	site_dir = Path(site_dir).resolve()
	ctx.obj["site_dir"] = str(site_dir)
	if (site_dir / ".env").exists():
		site_mod.load_env(site_dir)


@main.command("new-site")
@click.option("--db", "db_name", required=True, help="database name (also the site name)")
@click.option("--apps", default="xinqu_governance", show_default=True)
@click.option("--admin-password", envvar="ADMIN_PASSWORD", default="admin", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--force", is_flag=True, help="drop and recreate the database")
@click.pass_context
def new_site(ctx, db_name, apps, admin_password, port, force):
	"""Create the site (database, framework, apps) unless it exists; then migrate (which installs the
	apps of --apps the existing site lacks)."""
	site_dir = site_dir_of(ctx)
	if force and (site_dir / ".env").exists():
		(site_dir / ".env").unlink()
	site_mod.write_env(site_dir, db_name, [a for a in apps.split(",") if a], port=port)
	if not force and site_mod.database_is_installed(site_dir):
		click.echo(f"Site {db_name} exists: migrating")
		ctx.invoke(migrate)
		return
	site_mod.new_site(site_dir, admin_password=admin_password)
	click.echo(f"Site {db_name} created in {site_dir}")


@main.command()
@click.pass_context
def migrate(ctx):
	"""Sync every installed app (DocTypes, patches, fixtures, jobs), as bench migrate does."""
	site_dir = site_dir_of(ctx)
	frappe = site_mod.connect(site_dir)
	from .migrate import migrate as run_migrate

	run_migrate(frappe, site_dir)
	frappe.destroy()


@main.command()
@click.option("--apps", default="xinqu_governance", show_default=True)
@click.option("--dev", is_flag=True, help="unminified bundles with source maps")
@click.option("--force", is_flag=True, help="build even when no source changed")
def build(apps, dev, force):
	"""Build the desk bundles (fix 10), as `bench build`; sites link them at new-site / migrate."""
	from . import desk

	built = desk.build([a for a in apps.split(",") if a], production=not dev, force=force, log=click.echo)
	click.echo("desk bundles built" if built else "desk bundles up to date (no source changed)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=None, type=int)
@click.pass_context
def serve(ctx, host, port):
	"""Serve HTTP on the site (loopback by default)."""
	site_dir = site_dir_of(ctx)
	site_mod.load_env(site_dir)
	from . import activate, server

	activate()
	server.serve(host, port or int(os.environ.get("SERVER_PORT", "8000")))


@main.command()
@click.option("--port", type=int, envvar="SOCKETIO_PORT", default=9000, show_default=True)
@click.option("--web-url", default=None, help="the site's web server (default: http://127.0.0.1:SERVER_PORT)")
@click.option("--install-only", is_flag=True, help="install its npm packages and stop")
@click.pass_context
def realtime(ctx, port, web_url, install_only):
	"""The realtime (socket.io) server of the site (fix 13), as Frappe's node realtime/ on a bench;
	`serve` forwards /socket.io/ to it when SOCKETIO_PORT names its port."""
	from . import realtime as realtime_mod

	if install_only:
		realtime_mod.ensure_node_modules(log=click.echo)
		return
	site_mod.load_env(site_dir_of(ctx))
	from . import activate

	activate()
	realtime_mod.run(web_url or f"http://127.0.0.1:{os.environ.get('SERVER_PORT', '8000')}", port)


@main.command()
@click.option("--queue", default=None)
@click.option("--burst", is_flag=True)
@click.pass_context
def worker(ctx, queue, burst):
	"""Background worker (RQ) for the site's queues."""
	site_mod.load_env(site_dir_of(ctx))
	from . import activate

	activate()
	from frappe.utils.background_jobs import start_worker

	start_worker(queue, quiet=True, burst=burst)


@main.command()
@click.pass_context
def schedule(ctx):
	"""Scheduler process: enqueue due Scheduled Job Types every tick."""
	site_mod.load_env(site_dir_of(ctx))
	from . import activate, scheduler

	activate()
	scheduler.run_forever()


@main.command()
@click.argument("method")
@click.option("--kwargs", default="{}", help="JSON object of keyword arguments")
@click.pass_context
def execute(ctx, method, kwargs):
	"""Call a dotted Python function on the site, commit, print its result as JSON."""
	frappe = site_mod.connect(site_dir_of(ctx))
	try:
		result = frappe.get_attr(method)(**json.loads(kwargs))
		frappe.db.commit()
		if result is not None:
			click.echo(json.dumps(result, default=str, ensure_ascii=False, indent=1))
	finally:
		frappe.destroy()


def add_app_commands() -> None:
	"""Register each app's bench commands (`<app>.commands.commands`)."""
	from .apps import configured_apps

	for app in configured_apps() or ["xinqu_governance"]:
		try:
			module = __import__(f"{app}.commands", fromlist=["commands"])
		except ImportError:
			continue
		for command in getattr(module, "commands", []):
			main.add_command(command)


def run() -> None:
	site_dir = Path(os.environ.get("XQ_SITE_DIR", DEFAULT_SITE_DIR)).resolve()
	for i, arg in enumerate(sys.argv):
		if arg == "--site-dir" and i + 1 < len(sys.argv):
			site_dir = Path(sys.argv[i + 1]).resolve()
		elif arg.startswith("--site-dir="):
			site_dir = Path(arg.split("=", 1)[1]).resolve()
	if (site_dir / ".env").exists():
		from dotenv import dotenv_values

		os.environ.setdefault("APPS", dotenv_values(site_dir / ".env").get("APPS") or "")
	from . import activate

	activate()
	add_app_commands()
	obj = {"site_dir": str(site_dir), "sites": [site_dir.name], "force": False, "verbose": False, "profile": False}
	main(obj=obj)
