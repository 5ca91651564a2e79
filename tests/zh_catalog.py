"""The app's Chinese catalogue as the tests read it: `locale/zh.po` (Frappe's gettext format), the file
scripts/translations_to_po.py writes and the site compiles to a .mo (as `bench build` does)."""

from pathlib import Path

from babel.messages.pofile import read_po

APP = Path(__file__).resolve().parents[1] / "apps" / "xinqu_governance" / "xinqu_governance"
ZH_PO = APP / "locale" / "zh.po"
MAIN_POT = APP / "locale" / "main.pot"


def read_catalog(path: Path):
	with open(path, "rb") as f:
		return read_po(f)


def zh_catalog() -> dict[str, str]:
	"""{source: translation}; a source with a context is keyed `source:context`, as Frappe keys it."""
	return {
		(f"{m.id}:{m.context}" if m.context else m.id): m.string for m in read_catalog(ZH_PO) if m.id
	}
