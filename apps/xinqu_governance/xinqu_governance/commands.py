"""Bench commands of the app:

bench --site SITE xinqu-apply-profile PATH      apply the deployment profile
bench --site SITE xinqu-export-profile PATH     write the site's profile documents back
bench --site SITE xinqu-import-registry FILE    import households and residents (xlsx / csv)
"""

import json
import os
from contextlib import contextmanager

import click
import frappe
from frappe.commands import get_site, pass_context


@contextmanager
def connected(context):
	"""Connect to the command's site; nothing is committed unless the body commits."""
	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		yield
	finally:
		frappe.destroy()


def echo_json(value) -> None:
	click.echo(json.dumps(value, ensure_ascii=False, default=str))


@click.command("xinqu-apply-profile")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@pass_context
def apply_profile_command(context, path):
	"""Apply the deployment profile at PATH (fixtures, workflows, print formats, patches) to the site."""
	from xinqu_governance.profile import apply_profile

	with connected(context):
		summary = apply_profile(os.path.abspath(path))
		frappe.db.commit()
	echo_json({key: value for key, value in summary.items() if key != "changes"})


@click.command("xinqu-export-profile")
@click.argument("path", type=click.Path(file_okay=False))
@pass_context
def export_profile_command(context, path):
	"""Write the site's profile documents back into the profile folder at PATH."""
	from xinqu_governance.profile import export_profile

	with connected(context):
		result = export_profile(os.path.abspath(path))
	echo_json(result)


@click.command("xinqu-import-registry")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="validate only, write nothing")
@click.option("--confirm", is_flag=True, help="also apply the rows that change existing residents")
@pass_context
def import_registry_command(context, path, dry_run=False, confirm=False):
	"""Import households and residents from an xlsx / csv file with Chinese headers."""
	from xinqu_governance.registry.importer import import_file

	with connected(context):
		result = import_file(os.path.abspath(path), user="Administrator", dry_run=dry_run, confirm=confirm)
	echo_json(result)


commands = [apply_profile_command, export_profile_command, import_registry_command]
