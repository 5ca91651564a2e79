"""Where the rows of a file wait while it is imported, so that memory does not grow with the file.

The import reads the file once, parses each row (its own errors included) and spools it into an SQLite
database in a temporary file; then it takes the rows back household by household, a chunk of
households at a time. What needs the whole file is answered by SQL over the spool, not by Python
structures that grow with it:

- a household's rows need not be contiguous in the file (a spreadsheet sorted by name scatters them):
  the spool hands each household out whole, in the order of its first row. When the file lists every
  household's rows together (the usual register layout; counted while spooling), the rows come back
  in file order without a sort;
- a citizen ID number that appears twice: the later rows are found by one GROUP BY;
- a dwelling given to two households of the file: the first claim is kept in a table;
- the per-row report (errors, changes to existing residents) waits there too, and is read out sorted
  by row at the end: complete, however many rows it has.

SQLite (Python's standard library) keeps its pages on disk beyond a small cache, so a 1M-row file
costs disk space (about 0.5 KiB per row, removed at the end), not memory.
"""

import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterator

SPOOL_BATCH = 500  # rows per INSERT batch (held until written: a few hundred KiB)
SQL_PARAMETERS = 500  # values per IN list (SQLite's limit is 32 766; smaller lists are as fast)
CACHE_KIB = 8192


class RowSpool:
	"""Parsed rows of one import, keyed by spreadsheet row number (``_row``)."""

	def __init__(self):
		self._directory = tempfile.TemporaryDirectory(prefix="xinqu-import-")
		self.db = sqlite3.connect(os.path.join(self._directory.name, "rows.sqlite"), isolation_level=None)
		for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE", f"cache_size=-{CACHE_KIB}"):
			self.db.execute(f"pragma {pragma}")
		self.db.execute(
			"create table spooled_row (number integer primary key, household text, citizen_id text, data blob)"
		)
		self.db.execute("create table dwelling_claim (dwelling text primary key, household text)")
		# what the import reports, by kind ("errors", "changes"): it may be as long as the file
		self.db.execute("create table report_entry (kind text, number integer, data blob)")
		self.rows = 0
		self.repeated_citizen_ids: dict[int, int] = {}
		self._batch = []
		self._blocks = 0  # runs of consecutive rows with the same household code
		self._previous_household = None

	def __enter__(self):
		return self

	def __exit__(self, *exc):
		self.close()

	def close(self):
		self.db.close()
		self._directory.cleanup()

	# ------------------------------------------------------------ spooling

	def add(self, parsed: dict) -> None:
		"""Spool one parsed row (see import_format.parse_row)."""
		household = parsed["household_code"] or None
		if household is None or household != self._previous_household:
			self._blocks += 1
		self._previous_household = household
		self._batch.append(
			(
				parsed["_row"],
				household,
				parsed.get("citizen_id"),
				pickle.dumps(parsed, pickle.HIGHEST_PROTOCOL),
			)
		)
		self.rows += 1
		if len(self._batch) >= SPOOL_BATCH:
			self._flush()

	def _flush(self) -> None:
		self.db.executemany("insert into spooled_row values (?, ?, ?, ?)", self._batch)
		self._batch.clear()

	def seal(self) -> None:
		"""After the last row: index the spool and find the repeated citizen ID numbers."""
		self._flush()
		self.db.execute("create index spooled_household on spooled_row (household)")
		self.db.execute("create index spooled_citizen_id on spooled_row (citizen_id)")
		# the later rows of a number that appears more than once → its first row (a few, if any)
		self.repeated_citizen_ids = dict(
			self.db.execute(
				"""select later.number, first.number_first from spooled_row later
				join (select citizen_id, min(number) number_first from spooled_row
					where citizen_id is not null group by citizen_id having count(*) > 1) first
				on first.citizen_id = later.citizen_id
				where later.number != first.number_first"""
			)
		)

	# ------------------------------------------------------------ reading back

	def households(self) -> Iterator[list[dict]]:
		"""Each household's rows (a row without household code is a household of its own), in the order
		of the household's first row in the file."""
		if self._households_are_contiguous():
			cursor = self.db.execute("select household, data from spooled_row order by number")
		else:
			cursor = self.db.execute(
				"""select row.household, row.data from spooled_row row
				left join (select household, min(number) number_first from spooled_row
					where household is not null group by household) first
				on first.household = row.household
				order by coalesce(first.number_first, row.number), row.number"""
			)
		members, current = [], None
		for household, data in cursor:
			if members and (household is None or household != current):
				yield members
				members = []
			members.append(pickle.loads(data))
			current = household
		if members:
			yield members

	def _households_are_contiguous(self) -> bool:
		(households,) = self.db.execute(
			"select count(distinct household) + sum(household is null) from spooled_row"
		).fetchone()
		return self._blocks == (households or 0)

	# ------------------------------------------------------------ dwellings

	def claim_dwellings(self, claims: list[tuple[str, str]]) -> dict[str, str]:
		"""Record (dwelling, household code) claims in file order; return each dwelling's first claimant
		in the file (which may be a household of an earlier chunk)."""
		self.db.executemany("insert or ignore into dwelling_claim values (?, ?)", claims)
		dwellings = list(dict.fromkeys(dwelling for dwelling, _household in claims))
		first = {}
		for start in range(0, len(dwellings), SQL_PARAMETERS):
			batch = dwellings[start : start + SQL_PARAMETERS]
			first.update(
				self.db.execute(
					f"select dwelling, household from dwelling_claim where dwelling in ({', '.join('?' * len(batch))})",
					batch,
				)
			)
		return first

	# ------------------------------------------------------------ the report

	def report(self, kind: str, entries: list[dict]) -> None:
		"""Keep report entries (dicts with ``row``) on disk until the end of the import."""
		self.db.executemany(
			"insert into report_entry values (?, ?, ?)",
			[(kind, entry["row"], pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)) for entry in entries],
		)

	def reported(self, kind: str) -> Iterator[dict]:
		"""The entries of ``kind`` by spreadsheet row."""
		for (data,) in self.db.execute(
			"select data from report_entry where kind = ? order by number, rowid", (kind,)
		):
			yield pickle.loads(data)
