"""Writing validated households of the registry import, set-based, one chunk of households at a time.

Each chunk is one savepoint and (with ``commit``) one transaction: multi-row INSERTs of new rows,
UPDATEs of the rows whose values differ, child rows replaced only when they changed, dwellings updated
with one CASE per batch. A household never spans two chunks, so a crash (even ``kill -9``) leaves the
committed chunks whole, and a re-run of the file finds them unchanged. Grid and compound counts are
recounted once at the end (a re-run recounts them again).

A group, as registry/importer.py validates it: ``{"household": values, "members": parsed rows}``.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Count

from xinqu_governance.registry.bulk import fetch_in_batches, insert_rows, new_child_name, reserve_series
from xinqu_governance.registry.grids import recount_grids
from xinqu_governance.registry.housing import recount_housing
from xinqu_governance.registry.hukou import hukou_addresses
from xinqu_governance.registry.import_format import HOUSEHOLD_FIELDS, RESIDENT_FIELDS
from xinqu_governance.registry.utils import analyze_tables

RESIDENT_SERIES_PREFIX, RESIDENT_SERIES_DIGITS = "RES-", 7
CHUNK_HOUSEHOLDS = 2000
LOOKUP_BATCH = 5000
ANALYZE_AFTER_ROWS = 20_000  # a bulk load this large leaves the optimizer's statistics stale
WRITE_COUNTERS = (
	"rows_valid",
	"residents_created",
	"residents_updated",
	"residents_unchanged",
	"households_created",
	"households_updated",
	"households_unchanged",
)


class RegistryWriter:
	"""Writes chunks of validated households; ``finish`` recounts what they touched."""

	def __init__(self, *, commit: bool = True):
		self.commit = commit
		self.totals = dict.fromkeys(WRITE_COUNTERS, 0)
		self.grids, self.compounds = set(), set()
		self._chunks = 0

	def write_chunk(self, groups: list[dict]) -> None:
		if not groups:
			return
		self._chunks += 1
		savepoint = f"registry_import_{self._chunks}"
		frappe.db.savepoint(savepoint)
		try:
			chunk = _ChunkWrite(groups)
			chunk.run()
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			raise
		for key, value in chunk.counts.items():
			self.totals[key] += value
		self.grids |= chunk.grids
		self.compounds |= chunk.compounds
		if self.commit:
			frappe.db.commit()

	def finish(self) -> dict:
		recount_grids({g for g in self.grids if g})
		recount_housing({c for c in self.compounds if c})
		if self.commit:
			frappe.db.commit()
			if self.totals["residents_created"] + self.totals["households_created"] >= ANALYZE_AFTER_ROWS:
				analyze_tables(("Resident", "Household", "Household Member"))
		return dict(self.totals)


def write_groups(
	groups: Iterable[dict], *, commit: bool = True, chunk_households: int = CHUNK_HOUSEHOLDS
) -> dict:
	"""Upsert validated household groups, one savepoint (and commit) per ``chunk_households``."""
	writer = RegistryWriter(commit=commit)
	chunk = []
	for group in groups:
		chunk.append(group)
		if len(chunk) >= chunk_households:
			writer.write_chunk(chunk)
			chunk = []
	writer.write_chunk(chunk)
	return writer.finish()


class _ChunkWrite:
	"""The statements of one chunk, step by step: residents, their special groups, households, their
	member tables (and the tables of households residents moved away from), dwellings."""

	def __init__(self, groups: list[dict]):
		self.groups = groups
		self.rows = [row for group in groups for row in group["members"]]
		self.codes = [group["household"]["household_code"] for group in groups]
		self.counts = defaultdict(int)
		self.grids, self.compounds = set(), set()
		self.now = frappe.utils.now_datetime()

	def run(self) -> None:
		self.name_residents()
		self.write_residents()
		self.write_special_groups()
		self.write_households()
		self.write_members()
		self.leave_previous_households()
		self.allocate_dwellings()
		self.counts["rows_valid"] = len(self.rows)

	# ------------------------------------------------------------ residents

	def name_residents(self) -> None:
		"""Existing residents (by citizen ID number) keep their names; new ones get the next of the
		RES- series, reserved for the chunk in one statement."""
		self.current = fetch_in_batches(
			"Resident",
			"citizen_id",
			[r["citizen_id"] for r in self.rows],
			["name", "citizen_id", "household", "grid", *RESIDENT_FIELDS[1:], "jurisdiction"],
		)
		new_rows = [r for r in self.rows if r["citizen_id"] not in self.current]
		names = iter(reserve_series(RESIDENT_SERIES_PREFIX, len(new_rows), RESIDENT_SERIES_DIGITS))
		for row in self.rows:
			existing = self.current.get(row["citizen_id"])
			row["_name"] = existing.name if existing else next(names)

	def write_residents(self) -> None:
		inserts, self.special_rows = [], []
		for group in self.groups:
			household = group["household"]
			location = {
				"household": household["household_code"],
				"grid": household["grid"],
				"jurisdiction": household["jurisdiction"],
			}
			self.grids.add(household["grid"])
			for row in group["members"]:
				values = {f: row.get(f) for f in RESIDENT_FIELDS if f in row}
				values.update(location)
				existing = self.current.get(row["citizen_id"])
				if existing is None:
					values.setdefault("ethnicity", "Han")
					values.setdefault("is_floating", 0)
					inserts.append({"name": row["_name"], **values})
					self.counts["residents_created"] += 1
				else:
					self.grids.add(existing.grid)
					self._update_changed("Resident", existing, values, "residents")
				if "special_groups" in row:
					self.special_rows.append((row["_name"], row["special_groups"], existing is None))
		insert_rows("Resident", inserts)

	def _update_changed(self, doctype: str, existing, values: dict, counter: str) -> dict:
		"""UPDATE the fields of ``existing`` whose values differ; count it updated or unchanged."""
		changed = {f: v for f, v in values.items() if f in existing and differs(existing.get(f), v)}
		if not changed:
			self.counts[f"{counter}_unchanged"] += 1
			return changed
		table = frappe.qb.DocType(doctype)
		query = frappe.qb.update(table).set(table.modified, self.now)
		for field, value in changed.items():
			query = query.set(table[field], value)
		query.where(table.name == existing.name).run()
		self.counts[f"{counter}_updated"] += 1
		return changed

	def write_special_groups(self) -> None:
		"""Replace a resident's special groups only where the set changed."""
		S = frappe.qb.DocType("Resident Special Group")
		old_groups = defaultdict(list)
		names_to_check = [name for name, _g, is_new in self.special_rows if not is_new]
		for start in range(0, len(names_to_check), LOOKUP_BATCH):
			for parent, group_name in (
				frappe.qb.from_(S)
				.select(S.parent, S.special_group)
				.where(
					(S.parenttype == "Resident") & S.parent.isin(names_to_check[start : start + LOOKUP_BATCH])
				)
				.orderby(S.idx)
				.run()
			):
				old_groups[parent].append(group_name)
		replace, child_inserts = [], []
		for name, wanted, is_new in self.special_rows:
			if not is_new and old_groups.get(name, []) == wanted:
				continue
			if not is_new:
				replace.append(name)
			child_inserts.extend(
				_child_row("Resident", name, "special_groups", i, special_group=g)
				for i, g in enumerate(wanted, start=1)
			)
		if replace:
			frappe.qb.from_(S).delete().where((S.parenttype == "Resident") & S.parent.isin(replace)).run()
		insert_rows("Resident Special Group", child_inserts)

	# ------------------------------------------------------------ households

	def write_households(self) -> None:
		existing_households = fetch_in_batches(
			"Household",
			"name",
			self.codes,
			[
				"name",
				"head",
				"head_name",
				"head_phone",
				"member_count",
				"grid",
				"jurisdiction",
				"hukou_address",
				*HOUSEHOLD_FIELDS,
			],
		)
		# 户籍随房走 (§9): a household given a dwelling takes its address as hukou address
		addresses = hukou_addresses(g["household"].get("dwelling") for g in self.groups)
		inserts = []
		for group in self.groups:
			household = group["household"]
			values = _household_row(group, addresses)
			self.compounds.add(values.get("compound"))
			existing = existing_households.get(household["household_code"])
			if existing is None:
				values.setdefault("household_type", "Resettled")
				values.setdefault("hukou_status", "Agricultural")
				values.setdefault("low_income_status", "None")
				code = household["household_code"]
				inserts.append({"name": code, "household_code": code, **values})
				self.counts["households_created"] += 1
				continue
			self.grids.add(existing.grid)
			self.compounds.add(existing.compound)
			changed = self._update_changed("Household", existing, values, "households")
			if "dwelling" in changed and existing.dwelling:
				D = frappe.qb.DocType("Dwelling")
				frappe.qb.update(D).set(D.household, None).set(D.allocation_status, "Vacant").where(
					D.name == existing.dwelling
				).run()
		insert_rows("Household", inserts)

	def write_members(self) -> None:
		"""Replace a household's member rows only when they changed; residents no longer listed under
		a household whose table is replaced lose it. (Rows elsewhere are left by the next step, which
		touches only households outside the chunk.)"""
		M = frappe.qb.DocType("Household Member")
		old_members = defaultdict(list)
		for start in range(0, len(self.codes), LOOKUP_BATCH):
			for parent, resident, relation in (
				frappe.qb.from_(M)
				.select(M.parent, M.resident, M.relation)
				.where(
					(M.parenttype == "Household") & M.parent.isin(self.codes[start : start + LOOKUP_BATCH])
				)
				.orderby(M.idx)
				.run()
			):
				old_members[parent].append((resident, relation))
		replace, member_inserts = [], []
		for group in self.groups:
			code = group["household"]["household_code"]
			wanted = [(row["_name"], row["relation"]) for row in group["members"]]
			if old_members.get(code, []) == wanted:
				continue
			if code in old_members:
				replace.append(code)
			member_inserts.extend(
				_child_row(
					"Household",
					code,
					"members",
					i,
					resident=row["_name"],
					full_name=row.get("full_name"),
					relation=row["relation"],
				)
				for i, row in enumerate(group["members"], start=1)
			)
		if replace:
			R = frappe.qb.DocType("Resident")
			frappe.qb.from_(M).delete().where((M.parenttype == "Household") & M.parent.isin(replace)).run()
			(
				frappe.qb.update(R)
				.set(R.household, None)
				.set(R.modified, self.now)
				.where(R.household.isin(replace) & R.name.notin([row["_name"] for row in self.rows]))
				.run()
			)
		insert_rows("Household Member", member_inserts)

	def leave_previous_households(self) -> None:
		"""Residents who moved here from another household leave its member table (and its head)."""
		M = frappe.qb.DocType("Household Member")
		H = frappe.qb.DocType("Household")
		moved = [
			row["_name"]
			for group in self.groups
			for row in group["members"]
			if row.get("_existing")
			and row["_existing"].household not in (None, "", group["household"]["household_code"])
		]
		if moved:
			elsewhere = (M.parenttype == "Household") & M.resident.isin(moved) & M.parent.notin(self.codes)
			left = frappe.qb.from_(M).select(M.parent).distinct().where(elsewhere).run(pluck=True)
			frappe.qb.from_(M).delete().where(elsewhere).run()
			refresh_member_counts(left)
			frappe.qb.update(H).set(H.head, None).set(H.head_name, None).where(
				H.name.isin(left) & H.head.isin(moved)
			).run()
			self.grids |= set(frappe.qb.from_(H).select(H.grid).where(H.name.isin(left)).run(pluck=True))

	def allocate_dwellings(self) -> None:
		D = frappe.qb.DocType("Dwelling")
		by_status = defaultdict(list)
		for group in self.groups:
			household = group["household"]
			if household.get("dwelling"):
				status = "Occupied" if household.get("transition_status") == "Moved In" else "Allocated"
				by_status[status].append((household["dwelling"], household["household_code"]))
		for status, pairs in by_status.items():
			for start in range(0, len(pairs), LOOKUP_BATCH):
				batch = pairs[start : start + LOOKUP_BATCH]
				household_of = Case()
				for dwelling, code in batch:
					household_of = household_of.when(D.name == dwelling, code)
				frappe.qb.update(D).set(D.household, household_of).set(D.allocation_status, status).where(
					D.name.isin([d for d, _c in batch])
				).run()


def _household_row(group: dict, addresses: dict) -> dict:
	"""The Household columns a group writes: the columns the file has, the dwelling (and the hukou
	address it gives), the head and the member count."""
	household = group["household"]
	head = next(row for row in group["members"] if row.get("relation") == "Head")
	values = {
		f: household.get(f)
		for f in HOUSEHOLD_FIELDS
		if f in household["_columns"] or f in ("dwelling", "compound")
	}
	if "dwelling" not in household:
		values.pop("dwelling", None)
		values.pop("compound", None)
	elif values.get("dwelling"):
		values["hukou_address"] = addresses.get(values["dwelling"], "")
	values.update(
		head=head["_name"],
		head_name=head.get("full_name"),
		head_phone=head.get("phone"),
		member_count=len(group["members"]),
		grid=household["grid"],
		jurisdiction=household["jurisdiction"],
	)
	return values


def _child_row(parenttype: str, parent: str, parentfield: str, idx: int, **values) -> dict:
	return {
		"name": new_child_name(),
		"parent": parent,
		"parenttype": parenttype,
		"parentfield": parentfield,
		"idx": idx,
		**values,
	}


def refresh_member_counts(households) -> None:
	if not households:
		return
	H = frappe.qb.DocType("Household")
	M = frappe.qb.DocType("Household Member")
	counts = dict(
		frappe.qb.from_(M)
		.select(M.parent, Count(M.name))
		.where((M.parenttype == "Household") & M.parent.isin(households))
		.groupby(M.parent)
		.run()
	)
	for household in households:
		frappe.qb.update(H).set(H.member_count, counts.get(household, 0)).where(H.name == household).run()


def differs(old, new) -> bool:
	"""Whether a stored value and an imported one differ (empty equals empty; dates and numbers
	compared as such)."""
	if old in (None, "") and new in (None, ""):
		return False
	if isinstance(new, datetime.date) and not isinstance(new, datetime.datetime):
		return str(old) != new.isoformat()
	if isinstance(new, int | float) and not isinstance(new, bool):
		try:
			return float(old or 0) != float(new)
		except (TypeError, ValueError):
			return True
	return (old or "") != (new or "")
