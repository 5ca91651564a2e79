#!/usr/bin/env python3
"""Move translation rows from the old csv catalogue into the app's gettext catalogue.

	.venv/bin/python scripts/translations_to_po.py          # merge translations/zh.csv, then remove it
	.venv/bin/python scripts/translations_to_po.py --check  # exit 1 when zh.po or main.pot is not as written

The app's Chinese lives in `apps/xinqu_governance/xinqu_governance/locale/zh.po` (Frappe's format since
the gettext port, as hrms and helpdesk ship it; docs/architecture.md, "Strings and translations"), with
`locale/main.pot`, the template of every source string. A branch that still adds rows to
`translations/zh.csv` is merged by keeping its csv and running this script: each csv row
("source","translation","context") is added to zh.po, or replaces the translation of the same source
(and context); main.pot is written again from zh.po's source strings; the csv is removed.

main.pot is written here and not by `bench generate-pot-file`: that reads only the app's own files, so
it would miss the strings of the repository's profile (workflow states and actions, roles) that zh.po
translates too, and `bench update-po-files` would then drop their translations.

Runs with the bench's or this repository's Python (needs babel, which Frappe depends on).
"""

import argparse
import csv
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "apps" / "xinqu_governance" / "xinqu_governance"
LOCALE = "zh"
PO = APP / "locale" / f"{LOCALE}.po"
POT = APP / "locale" / "main.pot"
CSV = APP / "translations" / f"{LOCALE}.csv"
HEADER_COMMENT = (
	"# The Chinese (zh) strings of Xinqu Governance: written by scripts/translations_to_po.py\n"
	"# (main.pot: every source string; zh.po: their translations). MIT license, as the app."
)
HEADER = {
	"project": "Xinqu Governance",
	"copyright_holder": "Xinqu Governance Contributors",
	"msgid_bugs_address": "dev@xinqu.example",
	"language_team": "dev@xinqu.example",
	"last_translator": "dev@xinqu.example",
}


def read_catalog(path: Path, locale: str | None) -> Catalog:
	if path.exists():
		with open(path, "rb") as f:
			return read_po(f, locale=locale)
	return Catalog(locale=locale, **HEADER, fuzzy=False)


def merge_csv(catalog: Catalog, path: Path) -> tuple[int, int]:
	"""Add the csv's rows to `catalog`; returns (added, changed)."""
	added = changed = 0
	with open(path, newline="", encoding="utf-8") as f:
		for row in csv.reader(f):
			if len(row) < 2 or not row[0]:
				continue
			source, translation = row[0], row[1]
			context = row[2] if len(row) > 2 and row[2] else None
			message = catalog.get(source, context)
			if message is None:
				catalog.add(source, translation, context=context)
				added += 1
			elif message.string != translation:
				message.string = translation
				changed += 1
	return added, changed


def template_of(catalog: Catalog) -> Catalog:
	pot = Catalog(**HEADER, fuzzy=False)
	for message in catalog:
		if message.id:
			pot.add(message.id, "", context=message.context)
	return pot


def render(catalog: Catalog) -> bytes:
	out = io.BytesIO()
	catalog.header_comment = HEADER_COMMENT
	# sorted, one line per string, no dates in the header (a rewrite with nothing new changes nothing)
	write_po(out, catalog, sort_output=True, ignore_obsolete=True, width=None, omit_header=False)
	dated = (b'"POT-Creation-Date', b'"PO-Revision-Date')
	return b"\n".join(line for line in out.getvalue().split(b"\n") if not line.startswith(dated))


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
	parser.add_argument("--check", action="store_true", help="write nothing; fail when a file would change")
	parser.add_argument("--keep-csv", action="store_true", help="do not remove the csv after merging it")
	args = parser.parse_args()

	catalog = read_catalog(PO, LOCALE)
	added = changed = 0
	if CSV.exists():
		added, changed = merge_csv(catalog, CSV)
	wanted = {PO: render(catalog), POT: render(template_of(catalog))}
	stale = [path for path, text in wanted.items() if not path.exists() or path.read_bytes() != text]
	if args.check:
		for path in stale:
			print(f"{path.relative_to(REPO)} is not as scripts/translations_to_po.py writes it")
		if CSV.exists():
			print(f"{CSV.relative_to(REPO)} still exists: run scripts/translations_to_po.py")
		return 1 if stale or CSV.exists() else 0
	PO.parent.mkdir(parents=True, exist_ok=True)
	for path in stale:
		path.write_bytes(wanted[path])
	if CSV.exists() and not args.keep_csv:
		CSV.unlink()
		if not any(CSV.parent.iterdir()):
			CSV.parent.rmdir()
	total = sum(1 for message in catalog if message.id)
	print(f"{PO.relative_to(REPO)}: {total} strings ({added} added, {changed} changed from the csv)")
	return 0


if __name__ == "__main__":
	sys.exit(main())
