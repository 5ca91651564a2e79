"""Bench commands of the demo app (none of them belongs on a production site):

bench --site SITE xinqu-demo-passwords PATH     the profile's users at PATH get the demo password
bench --site SITE xinqu-demo-outbox             the default outgoing Email Account on a local SMTP server
bench --site SITE xinqu-demo-registry           the seeded demo registry (--households N, --seed S)
bench --site SITE xinqu-demo-cases              the demo cases of the last 90 days on that registry
"""

import os

import click
import frappe
from frappe.commands import pass_context
from xinqu_governance.commands import connected, echo_json


@click.command("xinqu-demo-passwords")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@pass_context
def demo_passwords_command(context, path):
	"""Give the users of the profile at PATH that have no password the published demo password."""
	from xinqu_demo.demo_data.accounts import ensure_demo_passwords

	with connected(context):
		given = ensure_demo_passwords(os.path.abspath(path))
		frappe.db.commit()
	echo_json({"passwords_set": len(given)})


@click.command("xinqu-demo-outbox")
@click.option("--smtp-server", default="127.0.0.1", show_default=True)
@click.option("--smtp-port", default=2525, show_default=True)
@pass_context
def demo_outbox_command(context, smtp_server, smtp_port):
	"""Make the default outgoing Email Account send to a local SMTP server (scripts/outbox.py)."""
	from xinqu_demo.demo_data.outbox import ensure_demo_outbox

	with connected(context):
		echo_json({"email_account": ensure_demo_outbox(smtp_server, smtp_port)})


@click.command("xinqu-demo-registry")
@click.option("--households", default=3000, show_default=True, help="about 2.9 residents each")
@click.option("--seed", type=int, default=None, help="random seed (default: 20150109)")
@pass_context
def demo_registry_command(context, households, seed):
	"""The demo registry: compounds, households with residents, grids, facilities, organisations.
	Running it again with the same seed adds nothing."""
	from xinqu_demo.demo_data import registry

	with connected(context):
		summary = registry.generate(scale=households, seed=registry.DEFAULT_SEED if seed is None else seed)
		frappe.db.commit()
	echo_json(summary)


@click.command("xinqu-demo-cases")
@click.option("--seed", type=int, default=None, help="random seed (default: 20151109)")
@pass_context
def demo_cases_command(context, seed):
	"""The demo cases on the demo registry (each story once; a second run writes nothing)."""
	from xinqu_demo.demo_data import cases

	with connected(context):
		summary = cases.ensure_demo_cases(seed=cases.DEFAULT_SEED if seed is None else seed)
		frappe.db.commit()
	echo_json({**summary, "errors": summary["errors"][:10]})


commands = [demo_passwords_command, demo_outbox_command, demo_registry_command, demo_cases_command]
