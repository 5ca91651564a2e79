"""Fix 5 (part): modules monoframe imports but does not ship.

`monoframe.utils.install.after_install` and its test runner import
`monoframe.tests.utils.generators._clear_test_log` (Frappe v16's test-record log), which the
trimmed package lacks: provide it, with Frappe's behaviour (forget which test records were made).
"""

import os
import sys
import types


def apply(frappe) -> None:
	name = "monoframe.tests.utils.generators"
	if name in sys.modules:
		return
	module = types.ModuleType(name)

	def _clear_test_log():
		path = frappe.get_site_path(".test_log")
		if os.path.exists(path):
			os.remove(path)

	module._clear_test_log = _clear_test_log
	sys.modules[name] = module
	sys.modules["frappe.tests.utils.generators"] = module


def install_commands_module(frappe) -> None:
	"""`frappe.commands` (pass_context, get_site) for apps' bench commands; monoframe has none.

	As in Frappe, a command decorated with `pass_context` receives the context object whose
	`sites` lists the sites to act on; here there is always exactly one.
	"""
	from functools import wraps

	import click

	name = "frappe.commands"
	if name in sys.modules:
		return
	module = types.ModuleType(name)

	def pass_context(f):
		@wraps(f)
		def _func(ctx, *args, **kwargs):
			return f(frappe._dict(ctx.obj), *args, **kwargs)

		return click.pass_context(_func)

	def get_site(context, raise_err=True):
		sites = context.sites if hasattr(context, "sites") else context.get("sites")
		if sites:
			return sites[0]
		if raise_err:
			raise frappe.SiteNotSpecifiedError
		return None

	module.pass_context = pass_context
	module.get_site = get_site
	sys.modules[name] = module
	sys.modules["monoframe.commands"] = module
