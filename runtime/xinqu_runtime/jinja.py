"""Fix 4 (part): Jinja and safe_exec globals expose only `monoframe`.

Print formats, web templates, workflow conditions and server scripts written for Frappe say
`frappe.…`; expose the same namespace under that name too.
"""


def apply(frappe) -> None:
	from frappe.utils import safe_exec

	original = safe_exec.get_safe_globals

	def get_safe_globals():
		out = original()
		out["frappe"] = out["monoframe"]
		return out

	safe_exec.get_safe_globals = get_safe_globals
