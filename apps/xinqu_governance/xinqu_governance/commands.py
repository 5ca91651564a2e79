"""Bench commands of the app: `bench --site SITE xinqu-apply-profile PATH` and `xinqu-export-profile PATH`."""

import json
import os

import click
import frappe
from frappe.commands import get_site, pass_context


@click.command("xinqu-apply-profile")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@pass_context
def apply_profile_command(context, path):
	"""Apply the deployment profile at PATH (fixtures, workflows, print formats, patches) to the site."""
	from xinqu_governance.profile import apply_profile

	path = os.path.abspath(path)
	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		summary = apply_profile(path)
		frappe.db.commit()
	finally:
		frappe.destroy()
	click.echo(json.dumps({key: value for key, value in summary.items() if key != "changes"}))


@click.command("xinqu-export-profile")
@click.argument("path", type=click.Path(file_okay=False))
@pass_context
def export_profile_command(context, path):
	"""Write the site's profile documents back into the profile folder at PATH."""
	from xinqu_governance.profile import export_profile

	path = os.path.abspath(path)
	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		result = export_profile(path)
	finally:
		frappe.destroy()
	click.echo(json.dumps(result, ensure_ascii=False))


commands = [apply_profile_command, export_profile_command]
