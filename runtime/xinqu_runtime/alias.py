"""Fix 4: `import frappe` resolves to the very same module objects as `monoframe`.

monoframe is Frappe's v16 line with the package renamed. Apps written for Frappe import
`frappe`, `frappe.model.document`, … and hooks name dotted paths such as
`frappe.utils.nowdate`. A meta-path finder maps every `frappe[.x]` import onto the already
imported (or importable) `monoframe[.x]` module, so `frappe.ValidationError is
monoframe.ValidationError` and `isinstance` / `except` work across both names.
"""

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys

ALIAS = "frappe"
TARGET = "monoframe"


class _ExistingModuleLoader(importlib.abc.Loader):
	def __init__(self, target_name: str):
		self.target_name = target_name

	def create_module(self, spec):
		module = importlib.import_module(self.target_name)
		self.original_spec = module.__spec__
		return module

	def exec_module(self, module):
		# already executed by its own import; importlib overwrote __spec__ with the alias's spec,
		# put the real one back (jinja's PackageLoader and importlib.resources read it)
		module.__spec__ = self.original_spec


class FrappeAliasFinder(importlib.abc.MetaPathFinder):
	"""Resolve `frappe` and `frappe.*` to `monoframe` and `monoframe.*`."""

	def find_spec(self, fullname, path=None, target=None):
		if fullname != ALIAS and not fullname.startswith(ALIAS + "."):
			return None
		target_name = TARGET + fullname[len(ALIAS) :]
		if importlib.util.find_spec(target_name) is None:
			return None
		is_package = hasattr(importlib.import_module(target_name), "__path__")
		return importlib.machinery.ModuleSpec(
			fullname, _ExistingModuleLoader(target_name), is_package=is_package
		)


def install() -> None:
	if not any(isinstance(f, FrappeAliasFinder) for f in sys.meta_path):
		sys.meta_path.insert(0, FrappeAliasFinder())
	# keep names already imported under monoframe reachable as frappe.* at once
	for name, module in list(sys.modules.items()):
		if name == TARGET or name.startswith(TARGET + "."):
			sys.modules.setdefault(ALIAS + name[len(TARGET) :], module)
