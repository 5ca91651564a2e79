"""Fix 14: an app's `override_whitelisted_methods` names Frappe's methods as `frappe.…`.

The desk built from monoframe's sources calls `monoframe.core.doctype.doctype.doctype.…`, so an
override keyed `frappe.core.doctype.doctype.doctype.…` (what the app must write for real Frappe)
never matches. Look the `frappe.` spelling up too.
"""

PREFIX = "monoframe."


def apply(frappe) -> None:
	def override_whitelisted_method(original_method: str) -> str:
		overrides = frappe.get_hooks("override_whitelisted_methods", {})
		keys = [original_method]
		if original_method.startswith(PREFIX):
			keys.append("frappe." + original_method[len(PREFIX):])
		for key in keys:
			if overrides.get(key):
				return overrides[key][-1]
		return original_method

	frappe.override_whitelisted_method = override_whitelisted_method
