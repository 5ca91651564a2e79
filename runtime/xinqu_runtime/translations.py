"""Translations fact: `locale/<lang>.po` is used only once compiled to .mo (bench build does it).

The app ships its Chinese as `locale/zh.po`: every new-site / migrate compiles each installed app's
catalogues (forced, so an edited .po is served at the next scripts/test or scripts/run), sequentially
(monoframe's compile_translations forks a pool of 4, too heavy for a setup step).
`translations/<lang>.csv`, Frappe's older format, would work at once.
"""


def compile_all(frappe) -> None:
	from frappe.gettext import translate

	for app in frappe.get_installed_apps():
		for locale in translate.get_locales(app):
			translate._compile_translation(app, locale, force=True)
	frappe.translate.clear_cache()
