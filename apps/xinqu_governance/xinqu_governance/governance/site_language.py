"""Text the app stores for people to read later (timeline entries, early-warning messages, notification
subjects) is written in the site's language (System Settings), not in the language of whatever wrote
it: scheduled jobs and the CLI run in English, and a clerk's browser language is not the readers'.

`in_site_language()` (a context manager and a decorator) switches `frappe.local.lang` for the code that
composes such text; `human_datetime` / `human_date` write dates as people read them in that language
(zh: 2026年12月2日 14:05), not as the database keeps them.
"""

from contextlib import contextmanager

import frappe
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from frappe.utils import get_datetime, getdate


def site_language() -> str:
	return frappe.db.get_single_value("System Settings", "language") or "en"


@contextmanager
def in_site_language():
	previous = frappe.local.lang
	frappe.local.lang = site_language()
	try:
		yield
	finally:
		frappe.local.lang = previous


def _locale() -> Locale:
	try:
		return Locale.parse((frappe.local.lang or "en").replace("-", "_"))
	except (ValueError, UnknownLocaleError):
		return Locale.parse("en")


def human_date(value) -> str:
	"""A date as people read it in the current language (zh: 2026年12月2日; en: Dec 2, 2026)."""
	if not value:
		return ""
	return format_date(getdate(value), "medium", locale=_locale())


def human_datetime(value) -> str:
	"""A date and time to the minute as people read them (zh: 2026年12月2日 14:05)."""
	if not value:
		return ""
	moment, locale = get_datetime(value), _locale()
	return f"{format_date(moment, 'medium', locale=locale)} {format_time(moment, 'HH:mm', locale=locale)}"
