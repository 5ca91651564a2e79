"""Fix 12: whitelisted arguments of the fork's own modules are never coerced to their types.

Frappe converts the strings a browser sends (`ignore_user_permissions="0"`, `page_length="20"`) to
the annotated types of a whitelisted function (`utils/typing_validations.py`) and skips annotations
that are strings. About 170 of monoframe's modules gained `from __future__ import annotations`,
which makes every annotation a string: `"0"` stays truthy and a new form's Link validation answers
417. Real Frappe's modules keep evaluated annotations, so resolve the strings of monoframe's own
functions (once per function) before Frappe's check runs; app functions are left exactly as real
Frappe treats them.
"""

import typing
from functools import lru_cache


def apply(frappe) -> None:
	from frappe.utils import typing_validations

	original = typing_validations.transform_parameter_types

	@lru_cache(maxsize=4096)
	def resolve(func) -> None:
		if not (func.__module__ or "").startswith("monoframe"):
			return
		if not any(isinstance(t, str) for t in func.__annotations__.values()):
			return
		try:
			func.__annotations__ = typing.get_type_hints(func)
		except Exception:  # an annotation naming something unimportable: leave it a string
			pass

	def transform_parameter_types(func, args, kwargs):
		resolve(func)
		return original(func, args, kwargs)

	typing_validations.transform_parameter_types = transform_parameter_types
