"""Import of households and residents from spreadsheets (xlsx or csv) with Chinese headers.

One row per resident; the rows of one household share its household code (户编号) and the household's
own columns (dwelling, dates, statuses) are given on any of its rows, consistently. The rows of a
household need not be next to each other.

The import streams the file, so its memory does not grow with the file (a 1M-row file fits in the
same few hundred MiB as a small one; see scripts/bench_registry.py):

1. Read and parse each row once (citizen ID checksum and birth date, phone, option values, dates,
   integers, lengths, control characters, types: registry/import_format.py) and spool it, errors
   included, to a temporary file (registry/import_spool.py), which also finds the citizen ID numbers
   that appear twice.
2. Take the households back from the spool a chunk at a time (2 000 households) and check what needs a
   household's rows together or the database: link values such as villages, grids and dwellings, one
   head per household, consistent household values, a dwelling given twice, the importing user's
   permissions. Each bad row is reported with its spreadsheet row number (the header is row 1) and its
   reasons. A household with any bad row is not imported at all, and its other rows are reported as
   skipped: nothing is half-written.
3. Write the chunk's good households set-based (registry/import_writer.py): one savepoint /
   transaction per chunk, a household never spanning two chunks.

Re-importing the same file changes nothing: residents are matched by citizen ID number, households
by household code, and a row is written only when a value differs.

A value longer than its column (from the meta: `length`, else Frappe's 140 for Data and Link), a
control character or a value of the wrong type is an error of its row. A row whose citizen ID number
belongs to a resident the user may change and that would change that resident (name, place,
household, other fields) is reported in `changes` with the fields that change; its household is
written only when the import is called with `confirm` (otherwise it waits, reported as pending).

Frappe's Data Import is not used because it cannot promise per-row errors for link values (one bad
link blocks the whole import) and integers ("abc" becomes 0), and because it inserts one document
at a time (about 600 per second) where this path does thousands of rows per second.
"""

import itertools
import os
from collections.abc import Iterable, Iterator

import frappe
from frappe import _

from xinqu_governance.registry.bulk import fetch_in_batches
from xinqu_governance.registry.housing import dwelling_name, unit_name
from xinqu_governance.registry.import_format import (  # COLUMNS, read_table, rows_from_table: also the import's API
	COLUMNS,
	HOUSEHOLD_KEYS,
	PERSON_FIELDS,
	RESIDENT_FIELDS,
	ImportFileError,
	RowParser,
	column_label,
	iter_table,
	parse_row,
	read_table,
	rows_from_table,
)
from xinqu_governance.registry.import_spool import RowSpool
from xinqu_governance.registry.import_writer import (  # write_groups: also the import's API
	CHUNK_HOUSEHOLDS,
	WRITE_COUNTERS,
	RegistryWriter,
	differs,
	write_groups,
)
from xinqu_governance.registry.utils import LEVEL_GRID, LEVEL_TOWN, LEVEL_VILLAGE, get_ancestor_at_level

COUNTERS = (*WRITE_COUNTERS, "households_pending")


class ImportResult(frappe._dict):
	pass


# ------------------------------------------------------------------ entry points


def import_rows(
	rows: Iterable[dict],
	columns,
	*,
	user: str | None = None,
	dry_run: bool = False,
	confirm: bool = False,
	commit: bool = True,
	chunk_households: int = CHUNK_HOUSEHOLDS,
) -> dict:
	"""Validate and import spreadsheet rows (dicts keyed by column, with ``_row``; any iterable, read
	once). Returns the counts, the per-row error report and the rows that change existing residents
	(`changes`); households with such rows are written only when `confirm` is given."""
	with RowSpool() as spool:
		spool_rows(rows, columns, spool)
		validation = HouseholdValidation(user or frappe.session.user, columns, spool)
		writer = None if dry_run else RegistryWriter(commit=commit)
		result = ImportResult(rows=spool.rows, households_valid=0, **dict.fromkeys(COUNTERS, 0))
		for chunk in _batched(spool.households(), chunk_households):
			good = validation.check(chunk)
			ready = [group for group in good if confirm or not group["changes"]]
			result.households_valid += len(good)
			result.households_pending += len(good) - len(ready)
			if writer:
				writer.write_chunk(ready)
		if writer:
			result.update(writer.finish())
		result.errors = list(spool.reported("errors"))
		result.changes = list(spool.reported("changes"))
		result.rows_rejected = len(result.errors)
	return result


def import_content(content: bytes | str, filename: str, **kwargs) -> dict:
	"""Import a file's content (xlsx bytes, csv bytes or text)."""
	rows, columns = rows_from_table(iter_table(content, filename))
	return import_rows(rows, columns, **kwargs)


def import_file(path: str, **kwargs) -> dict:
	"""Import a file from disk, reading it as the import goes (the bench command's entry point)."""
	with open(path, "rb") as f:
		rows, columns = rows_from_table(iter_table(f, os.path.basename(path)))
		return import_rows(rows, columns, **kwargs)


def import_registry_file(file_url: str, dry_run: int = 0, confirm: int = 0) -> dict:
	"""Import an uploaded xlsx / csv file (a File record's URL). Returns counts, row errors and the rows
	that change existing residents; those are applied only with `confirm=1`."""
	for doctype in ("Household", "Resident"):
		frappe.has_permission(doctype, "create", throw=True)
		frappe.has_permission(doctype, "write", throw=True)
	file = frappe.get_doc("File", {"file_url": file_url})
	file.check_permission("read")
	# the raw bytes, streamed: File.get_content() reads the whole file and decodes text on newer
	# Frappe (UTF-8, then windows-1250), which garbles a GB18030 csv; iter_table picks the encoding
	with open(file.get_full_path(), "rb") as f:
		rows, columns = rows_from_table(iter_table(f, file.file_name))
		return import_rows(rows, columns, dry_run=bool(int(dry_run or 0)), confirm=bool(int(confirm or 0)))


def spool_rows(rows: Iterable[dict], columns, spool: RowSpool) -> None:
	"""Parse each row (its own errors) into the spool; then seal it."""
	parser = RowParser()
	for row in rows:
		spool.add(parse_row(row, parser, columns))
	spool.seal()


def validate_rows(rows: Iterable[dict], columns, user: str) -> tuple[list[dict], list[dict]]:
	"""(good household groups, error report) of rows, without writing: the whole validation at once,
	holding every good household (for small files: tests, the samples)."""
	with RowSpool() as spool:
		spool_rows(rows, columns, spool)
		validation = HouseholdValidation(user, columns, spool)
		good = [group for household in spool.households() for group in validation.check([household])]
		return good, list(spool.reported("errors"))


def _batched(items: Iterator, size: int) -> Iterator[list]:
	while batch := list(itertools.islice(items, size)):
		yield batch


# ------------------------------------------------------------------ checks of a household


class _Context:
	"""What validation needs from the database about places, loaded once."""

	def __init__(self, user: str):
		J = frappe.qb.DocType("Jurisdiction")
		self.levels = dict(frappe.qb.from_(J).select(J.name, J.level).run())
		self.allowed = _allowed_jurisdictions(user)

	def permitted(self, jurisdiction: str | None) -> bool:
		return self.allowed is None or jurisdiction in self.allowed


def _allowed_jurisdictions(user: str) -> set[str] | None:
	"""Jurisdictions the user may write to (the permitted nodes and their descendants); None = all."""
	if user == "Administrator" or "System Manager" in frappe.get_roles(user):
		return None
	permissions = frappe.permissions.get_user_permissions(user).get("Jurisdiction")
	if not permissions:
		return None
	allowed = set()
	for permission in permissions:
		allowed.add(permission.get("doc"))
		allowed.update(frappe.db.get_descendants("Jurisdiction", permission.get("doc")) or [])
	return allowed


class HouseholdValidation:
	"""The checks that need a household's rows together, the database or earlier rows of the file,
	for one chunk of households at a time; the chunk's bad rows go to the spool's report."""

	def __init__(self, user: str, columns, spool: RowSpool):
		self.columns = columns
		self.context = _Context(user)
		self.spool = spool

	def check(self, households: list[list[dict]]) -> list[dict]:
		"""The good groups (``household``, ``members``, ``changes``) of the chunk."""
		rows = [row for members in households for row in members]
		self._mark_repeated_citizen_ids(rows)
		groups = [(_household_values(members, self.columns), members) for members in households]
		residents = fetch_in_batches(
			"Resident",
			"citizen_id",
			[r.get("citizen_id") for r in rows],
			["name", "citizen_id", *PERSON_FIELDS],
		)
		existing_households = fetch_in_batches(
			"Household",
			"name",
			[h["household_code"] for h, _m in groups],
			["name", "jurisdiction", "dwelling"],
		)
		dwellings = fetch_in_batches(
			"Dwelling",
			"name",
			[h.get("dwelling") for h, _m in groups],
			["name", "jurisdiction", "grid", "compound", "household"],
		)
		claims = self.spool.claim_dwellings(
			[
				(h["dwelling"], h["household_code"])
				for h, _m in groups
				if h.get("dwelling") and h["household_code"]
			]
		)
		good, errors = [], []
		for household, members in groups:
			_validate_household(household, members, self.context, dwellings, claims)
			self._check_people(household, members, residents)
			existing = existing_households.get(household["household_code"])
			if existing and not self.context.permitted(existing.jurisdiction):
				household["_errors"].append(
					_("Household {0} belongs to a jurisdiction you cannot change.").format(existing.name)
				)
			household["_existing"] = existing
			group = _sort_household(household, members, errors)
			if group:
				good.append(group)
		self.spool.report("errors", errors)
		self.spool.report("changes", [change for group in good for change in group["changes"]])
		return good

	def _mark_repeated_citizen_ids(self, rows: list[dict]) -> None:
		"""A citizen ID appears once in the file: its later rows are errors."""
		for row in rows:
			first = self.spool.repeated_citizen_ids.get(row["_row"])
			if first:
				row["_errors"].append(
					_("Citizen ID number {0} already appears in row {1}.").format(row["citizen_id"], first)
				)

	def _check_people(self, household: dict, members: list[dict], residents: dict) -> None:
		"""Rows naming a registered resident: the user may change him, and what would change."""
		for row in members:
			existing = residents.get(row.get("citizen_id"))
			if existing and not self.context.permitted(existing.jurisdiction):
				row["_errors"].append(
					_("A resident with citizen ID number {0} is already registered in {1}.").format(
						row["citizen_id"],
						get_ancestor_at_level(existing.jurisdiction, LEVEL_TOWN) or _("another jurisdiction"),
					)
				)
			row["_existing"] = existing
			row["_changes"] = person_changes(row, existing, household) if existing else {}


def _sort_household(household: dict, members: list[dict], errors: list[dict]) -> dict | None:
	"""The household's group if none of its rows is bad; else its rows reported in ``errors``."""
	bad_rows = [row for row in members if row["_errors"]]
	if household["_errors"]:
		first = members[0]
		first["_errors"].extend(household["_errors"])
		if first not in bad_rows:
			bad_rows.insert(0, first)
	code = household["household_code"]
	if not bad_rows:
		changes = [
			{
				"row": row["_row"],
				"household_code": code,
				"resident": row["_existing"].name,
				"citizen_id": row["citizen_id"],
				"fields": row["_changes"],
			}
			for row in members
			if row.get("_changes")
		]
		return {"household": household, "members": members, "changes": changes}
	bad_numbers = ", ".join(str(row["_row"]) for row in bad_rows)
	for row in members:
		if row["_errors"]:
			reason = "; ".join(row["_errors"])
		else:
			reason = _("Not imported: household {0} has errors in rows {1}.").format(code, bad_numbers)
		errors.append({"row": row["_row"], "household_code": code, "reason": reason})
	return None


def person_changes(row: dict, existing, household: dict) -> dict:
	"""Field → {"from", "to"} of what the row would change on the resident it names."""
	if household["_errors"] or row["_errors"]:
		return {}
	wanted = {f: row[f] for f in RESIDENT_FIELDS[1:] if f in row}
	wanted.update(
		household=household["household_code"], grid=household["grid"], jurisdiction=household["jurisdiction"]
	)
	return {
		field: {"from": existing.get(field), "to": value}
		for field, value in wanted.items()
		if differs(existing.get(field), value)
	}


def _household_values(members: list[dict], columns) -> dict:
	"""The household's own columns, which its rows must agree on, and the dwelling they name."""
	code = members[0]["household_code"]
	household = {"household_code": code, "_errors": [], "_columns": set()}
	for key in HOUSEHOLD_KEYS:
		if key not in columns:
			continue
		household["_columns"].add(key)
		values = {row.get(key) for row in members if row.get(key) not in (None, "")}
		if len(values) > 1:
			household["_errors"].append(
				_("Household {0}: the rows disagree on {1} ({2}).").format(
					code, column_label(key), ", ".join(sorted(str(v) for v in values))
				)
			)
		household[key] = values.pop() if len(values) == 1 else None
	parts = [household.get(k) for k in ("compound", "building_number", "unit_number", "room")]
	if any(row.get("_unreadable_dwelling") for row in members):
		household["_unreadable_dwelling"] = True
	elif any(parts):
		if not all(parts):
			household["_errors"].append(
				_("Give all of {0}, {1}, {2} and {3} for the dwelling, or none.").format(
					*[column_label(k) for k in ("compound", "building_number", "unit_number", "room")]
				)
			)
		else:
			compound, building, unit, room = parts
			household["dwelling"] = dwelling_name(unit_name(f"{compound}-{building}", unit), room)
	return household


def _validate_household(household, members, context, dwellings, claims) -> None:
	"""Head, places, dwelling, placement and transition status of one household; its errors go to
	``household['_errors']``. ``claims``: dwelling → the household of the file that names it first."""
	if not household["household_code"]:
		return
	_check_head_and_places(household, members, context)
	dwelling = _check_dwelling(household, dwellings, claims)
	if household.get("_unreadable_dwelling"):
		return  # the row's own error says what to fix; placing the household would only guess
	_place_household(household, dwelling, context)
	_check_transition(household, dwelling)


def _check_head_and_places(household, members, context) -> None:
	errors = household["_errors"]
	heads = [row for row in members if row.get("relation") == "Head"]
	if len(heads) != 1:
		errors.append(
			_("Household {0} has {1} rows with relation 户主 (Head); it needs exactly one.").format(
				household["household_code"], len(heads)
			)
		)
	for key, level in (("origin_village", LEVEL_VILLAGE), ("grid", LEVEL_GRID)):
		value = household.get(key)
		if value and context.levels.get(value) != level:
			errors.append(_("{0}: {1} is not a known {2}.").format(column_label(key), value, _(level)))
	if household.get("jurisdiction") and household["jurisdiction"] not in context.levels:
		errors.append(
			_("{0}: {1} is not a known jurisdiction.").format(
				column_label("jurisdiction"), household["jurisdiction"]
			)
		)


def _check_dwelling(household, dwellings, claims):
	"""The dwelling record the household names (None if none or unknown): it exists, no other
	household of the file names it first, and it is not allocated to another household."""
	errors = household["_errors"]
	dwelling_id = household.get("dwelling")
	if not dwelling_id:
		return None
	dwelling = dwellings.get(dwelling_id)
	if not dwelling:
		errors.append(_("Dwelling {0} does not exist.").format(dwelling_id))
		return None
	first_claim = claims.get(dwelling_id, household["household_code"])
	if first_claim != household["household_code"]:
		# before the allocation: the first claimant may have been written by an earlier chunk
		errors.append(
			_("Dwelling {0} is also given to household {1} in this file.").format(dwelling_id, first_claim)
		)
	elif dwelling.household and dwelling.household != household["household_code"]:
		errors.append(
			_("Dwelling {0} is already allocated to household {1}.").format(dwelling_id, dwelling.household)
		)
	household["compound"] = dwelling.compound
	return dwelling


def _place_household(household, dwelling, context) -> None:
	"""Grid and jurisdiction: the dwelling's, else the columns'; the user must be allowed there."""
	grid = (dwelling.grid if dwelling else None) or household.get("grid")
	if (
		not grid
		and household.get("jurisdiction")
		and context.levels.get(household["jurisdiction"]) == LEVEL_GRID
	):
		grid = household["jurisdiction"]
	jurisdiction = grid or (dwelling.jurisdiction if dwelling else None) or household.get("jurisdiction")
	if not jurisdiction:
		household["_errors"].append(
			_("Household {0} has no place: give {1}, {2} or a dwelling.").format(
				household["household_code"], column_label("jurisdiction"), column_label("grid")
			)
		)
	elif not context.permitted(jurisdiction):
		household["_errors"].append(_("You may not add households to {0}.").format(jurisdiction))
	household["grid"] = grid
	household["jurisdiction"] = jurisdiction


def _check_transition(household, dwelling) -> None:
	"""The transition status (derived when not given) fits the dwelling and the dates."""
	errors = household["_errors"]
	status = household.get("transition_status")
	if not status:
		status = (
			"Moved In"
			if dwelling and household.get("move_in_date")
			else "Allocated"
			if dwelling
			else "Awaiting Allocation"
		)
		household["transition_status"] = status
		household["_columns"].add("transition_status")
	if status in ("Allocated", "Moved In") and not dwelling:
		errors.append(_("Transition status {0} needs an allocated dwelling.").format(_(status)))
	if status == "Moved In" and not household.get("move_in_date"):
		errors.append(_("Enter the move-in date."))
	if (
		household.get("allocation_date")
		and household.get("move_in_date")
		and household["move_in_date"] < household["allocation_date"]
	):
		errors.append(_("The move-in date is before the allocation date."))
