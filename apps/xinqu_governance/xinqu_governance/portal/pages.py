"""Helpers shared by the portal's www pages (rendered without any framework JS/CSS bundle)."""

import json

import frappe


def script_json(value) -> str:
	"""JSON safe to place inside a <script type="application/json"> element."""
	text = json.dumps(value, ensure_ascii=False, default=str)
	return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def csrf_token() -> str:
	"""The session's CSRF token for a logged-in visitor (sent back with every POST), '' for guests."""
	if frappe.session.user == "Guest":
		return ""
	return frappe.sessions.get_csrf_token()


def html_lang() -> str:
	"""The page's `lang` attribute: zh → zh-CN (so the browser picks CJK fonts and line breaking)."""
	lang = frappe.local.lang or "en"
	return "zh-CN" if lang == "zh" else lang
