"""Translations fact: `locale/<lang>.po` is used only once compiled to .mo (bench build does it).

`translations/<lang>.csv` works at once; for apps that ship gettext catalogs, compile them
sequentially (monoframe's compile_translations forks a pool of 4, too heavy for a setup step).
"""


def compile_all(frappe) -> None:
	from frappe.gettext import translate

	for app in frappe.get_installed_apps():
		for locale in translate.get_locales(app):
			translate._compile_translation(app, locale, force=True)
	frappe.translate.clear_cache()
