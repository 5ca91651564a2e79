"""The registry of case DocTypes the rule engines act on, and the ladder of handling levels.

A case DocType is any non-child DocType of module Cases that has the contract field
`resolution_due` (see docs/architecture.md, "Cases"). The list is read from the data (DocField and
Custom Field) by the jobs, reports and rule DocTypes; the save rules hang on the DocTypes named in
`CASE_DOCTYPES` (hooks are static), which a test holds equal to that list. So a new case type is
added to `CASE_DOCTYPES` too: without it its cases get no routing, assignment or SLA deadline.
"""

import frappe

CASES_MODULE = "Cases"
CONTRACT_FIELD = "resolution_due"

# The case DocTypes the app ships, by name: hooks.py hangs the save rules (routing, assignment, SLA,
# early warning) on exactly these (hooks are static, so they cannot read the data). A test checks
# this list against the contract read from the data (`case_doctypes()`), so a DocType given the
# contract fields without being listed here fails the suite instead of silently missing its rules.
CASE_DOCTYPES = (
	"Dispute",
	"Emergency Incident",
	"Grid Event",
	"Petition",
	"Service Request",
	"Stability Risk Assessment",
)

# Handling levels from the bottom up: 小事不出村、大事不出镇、难事不出新区.
HANDLING_LEVELS = ("Village", "Town", "District", "County", "City")

# The handling level a jurisdiction node of each level is handled at by default.
# "District" (the new district) has no node of its own in the tree: its units sit at the node
# covering the district (the city), so a District unit covers every town of the district.
DEFAULT_LEVEL_OF_NODE = {
	"Grid": "Village",
	"Village": "Village",
	"Town": "Town",
	"County": "County",
	"City": "City",
}

# Where a jurisdiction node stands on the handling ladder (Grid and Village both at the bottom).
NODE_RANK = {"Grid": 0, "Village": 0, "Town": 1, "County": 3, "City": 4}


def level_rank(level: str | None) -> int:
	"""Position of a handling level on the ladder (-1 for an empty or unknown level)."""
	return HANDLING_LEVELS.index(level) if level in HANDLING_LEVELS else -1


def next_level(level: str | None) -> str | None:
	"""The handling level directly above `level` (None at the top)."""
	rank = level_rank(level)
	return HANDLING_LEVELS[rank + 1] if rank + 1 < len(HANDLING_LEVELS) else None


def levels_from(level: str) -> tuple[str, ...]:
	"""`level` and every level above it, bottom up."""
	return HANDLING_LEVELS[max(level_rank(level), 0) :]


def is_case_doctype(doctype: str) -> bool:
	"""True when `doctype` is a case DocType (cheap: reads the cached meta only)."""
	if not doctype or doctype in _NEVER_CASES:
		return False
	meta = frappe.get_meta(doctype)
	return bool(meta.module == CASES_MODULE and not meta.istable and meta.has_field(CONTRACT_FIELD))


# DocTypes saved constantly that can never be cases; skips the meta lookup for them.
_NEVER_CASES = frozenset(
	{
		"Version",
		"Comment",
		"Communication",
		"Activity Log",
		"Access Log",
		"Error Log",
		"Scheduled Job Log",
		"Notification Log",
		"User Permission",
		"DefaultValue",
		"Deleted Document",
	}
)


def case_doctypes() -> list[str]:
	"""Every case DocType of the site, by name (memoised for the request / job)."""
	cached = frappe.local.flags.get("xinqu_case_doctypes")
	if cached is None:
		cached = _read_case_doctypes()
		frappe.local.flags.xinqu_case_doctypes = cached
	return list(cached)


def _read_case_doctypes() -> list[str]:
	doctype = frappe.qb.DocType("DocType")
	docfield = frappe.qb.DocType("DocField")
	custom_field = frappe.qb.DocType("Custom Field")

	with_standard_field = (
		frappe.qb.from_(doctype)
		.join(docfield)
		.on(docfield.parent == doctype.name)
		.select(doctype.name)
		.where(
			(doctype.module == CASES_MODULE)
			& (doctype.istable == 0)
			& (docfield.fieldname == CONTRACT_FIELD)
			& (docfield.parenttype == "DocType")
		)
		.run(pluck=True)
	)
	with_custom_field = (
		frappe.qb.from_(doctype)
		.join(custom_field)
		.on(custom_field.dt == doctype.name)
		.select(doctype.name)
		.where(
			(doctype.module == CASES_MODULE)
			& (doctype.istable == 0)
			& (custom_field.fieldname == CONTRACT_FIELD)
		)
		.run(pluck=True)
	)
	return sorted(set(with_standard_field) | set(with_custom_field))


# The queue and the SLA job select by status and order by deadline: one composite index serves both
# (single-column indexes lead MariaDB to walk `resolution_due` through every closed case). The
# early-warning rules count cases by their subject within a window of `reported_on`.
SLA_INDEX_FIELDS = ("sla_status", "resolution_due")
OPEN_LOAD_INDEX_FIELDS = ("assigned_to", "closed_on")  # least-loaded assignment counts open cases
INDEXABLE_TYPES = frozenset({"Data", "Link", "Dynamic Link", "Select", "Int", "Date", "Datetime", "Phone"})


def ensure_case_indexes() -> None:
	"""after_migrate, and in the background after an Early Warning Rule is saved (idempotent):
	(sla_status, resolution_due), (assigned_to, closed_on) and reported_on on every case DocType, and the subject field of
	every active Repeated Subject rule (on the case, or on its child table)."""
	for doctype in case_doctypes():
		frappe.db.add_index(doctype, list(SLA_INDEX_FIELDS))
		add_index_without_property_setter(doctype, "reported_on")
		frappe.db.add_index(doctype, list(OPEN_LOAD_INDEX_FIELDS))
	from xinqu_governance.cases.measure_counts import ensure_measure_indexes

	ensure_measure_indexes()  # Governance Measures' date ranges per node
	rules = frappe.get_all(
		"Early Warning Rule",
		filters={"is_active": 1, "rule_type": "Repeated Subject"},
		fields=["case_doctype", "subject_field"],
	)
	for rule in rules:
		if (
			not rule.case_doctype
			or not rule.subject_field
			or not frappe.db.exists("DocType", rule.case_doctype)
		):
			continue
		table_field, _dot, child_field = rule.subject_field.partition(".")
		df = frappe.get_meta(rule.case_doctype).get_field(table_field)
		if not df:
			continue
		doctype, fieldname = (df.options, child_field) if child_field else (rule.case_doctype, table_field)
		field = frappe.get_meta(doctype).get_field(fieldname)
		# a field with search_index has its own index already (a second one only slows inserts)
		if (
			field
			and field.fieldtype in INDEXABLE_TYPES
			and not field.get("is_virtual")
			and not field.search_index
		):
			add_index_without_property_setter(doctype, fieldname)


def add_index_without_property_setter(doctype: str, fieldname: str) -> None:
	"""A single-field index made by the app (a case's `reported_on`, a rule's subject field). Frappe's
	`add_index` also records a single-field index as a `search_index` Property Setter when it runs
	outside a migrate (here: the background job after an Early Warning Rule is saved), which the
	profile export would then write out as an administrator's customisation. `after_migrate` makes
	these indexes again after every migrate, so they need no Property Setter to survive one."""
	index_name = frappe.db.get_index_name([fieldname])
	table = f"tab{doctype}"
	if not frappe.db.has_index(table, index_name):
		frappe.db.commit()  # DDL commits: as Frappe's add_index does
		frappe.db.sql_ddl(f"ALTER TABLE `{table}` ADD INDEX IF NOT EXISTS `{index_name}`(`{fieldname}`)")


def clear_case_doctypes_cache(doc=None, method=None):
	frappe.local.flags.pop("xinqu_case_doctypes", None)


def handling_level_of_node(jurisdiction: str | None) -> str | None:
	"""The handling level a case placed at this node starts at."""
	if not jurisdiction:
		return None
	node_level = frappe.db.get_value("Jurisdiction", jurisdiction, "level", cache=True)
	return DEFAULT_LEVEL_OF_NODE.get(node_level)


def node_bounds(jurisdiction: str) -> tuple[int, int] | None:
	"""(lft, rgt) of a jurisdiction node."""
	bounds = frappe.db.get_value("Jurisdiction", jurisdiction, ["lft", "rgt"])
	return (bounds[0], bounds[1]) if bounds else None


def supervising_node(jurisdiction: str) -> str:
	"""The node one level above the level that handles a case placed at `jurisdiction`.

	Grid and village cases are handled by the village, so the town above sees the warning; a town's
	by its county; a county's by the city; the city sees its own. This is where early warnings and
	accountability records are scoped (a user's role reaches the node and its descendants only).
	"""
	node = frappe.db.get_value(
		"Jurisdiction", jurisdiction, ["name", "level", "parent_jurisdiction"], as_dict=True
	)
	if not node:
		return jurisdiction
	if node.level == "Grid":
		node = frappe.db.get_value(
			"Jurisdiction", node.parent_jurisdiction, ["name", "level", "parent_jurisdiction"], as_dict=True
		)
	return node.parent_jurisdiction or node.name


def add_case_doctypes_to_boot(bootinfo) -> None:
	"""`extend_bootinfo`: the desk's case forms and lists (public/js/case_desk.bundle.js) act on these."""
	bootinfo.xinqu_case_doctypes = case_doctypes()
