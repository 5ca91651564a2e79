"""The case DocTypes the rule engines act on, the contract they carry, and the ladder of handling levels.

A case DocType is any non-child DocType of module Cases that has the contract field `resolution_due`
(see docs/architecture.md, "Cases"): a DocType shipped with the app or one made in the desk or a
profile (`custom = 1`). `case_doctypes()` reads them from the data (DocField and Custom Field) and is
what everybody reads: the save rules (`cases/case_events.py`, doc_events on "*" that return at once for
any other DocType), the jobs, reports, rule DocTypes and the desk. A DocType that claims the contract
(has `resolution_due`) must carry every field of `CASE_CONTRACT` with its type and target: a DocType
saved without them is refused (`validate_case_contract`, doc_events on DocType). What a case type
offers beyond the contract (triage from a grid event, the public portal, the intake field map) is its
`Case Type` record (cases/doctype/case_type).
"""

import frappe
from frappe import _

CASES_MODULE = "Cases"
CONTRACT_FIELD = "resolution_due"

# The case contract: fieldname -> (fieldtype, Link target or Select options). The engines read these
# fields on every case DocType generically (docs/architecture.md, "Cases").
CASE_CONTRACT = {
	"jurisdiction": ("Link", "Jurisdiction"),
	"category": ("Link", "Case Category"),
	"handling_level": ("Select", "Village\nTown\nDistrict\nCounty\nCity"),
	"handling_unit": ("Link", "Handling Unit"),
	"assisting_unit": ("Link", "Handling Unit"),
	"assigned_to": ("Link", "User"),
	"case_owner": ("Link", "User"),
	"workflow_state": ("Link", "Workflow State"),
	"state_entered_on": ("Datetime", None),
	"response_due": ("Datetime", None),
	"resolution_due": ("Datetime", None),
	"sla_status": ("Select", "\nOn Track\nDue Soon\nOverdue\nMet"),
	"escalation_count": ("Int", None),
	"sla_check_at": ("Datetime", None),
	"reported_on": ("Datetime", None),
	"closed_on": ("Datetime", None),
	"is_withdrawn": ("Check", None),
}


class CaseContractError(frappe.ValidationError):
	"""A DocType claims the case contract (has `resolution_due`) without carrying all of it."""


def contract_gaps(fields) -> list[str]:
	"""What `fields` (DocFields, Custom Fields or dicts with fieldname / fieldtype / options) lack of the
	case contract: one line per missing or mistyped field, in contract order (empty: complete)."""
	by_name = {field.get("fieldname"): field for field in fields}
	gaps = []
	for fieldname, (fieldtype, options) in CASE_CONTRACT.items():
		field = by_name.get(fieldname)
		if not field:
			gaps.append(_("{0} is missing").format(fieldname))
		elif field.get("fieldtype") != fieldtype:
			gaps.append(_("{0} must be a {1} field").format(fieldname, _(fieldtype)))
		elif fieldtype == "Link" and field.get("options") != options:
			gaps.append(_("{0} must link to {1}").format(fieldname, _(options)))
		elif fieldtype == "Select" and (field.get("options") or "").strip("\n") != options.strip("\n"):
			gaps.append(_("{0} must offer the options {1}").format(fieldname, options.strip("\n").replace("\n", ", ")))
	return gaps


def missing_contract_fields(doctype: str) -> list[str]:
	"""The contract gaps of a DocType as the site sees it (its fields and Custom Fields)."""
	return contract_gaps(frappe.get_meta(doctype).fields)


def validate_case_contract(doc, method=None) -> None:
	"""doc_events validate on DocType: a DocType of module Cases that has `resolution_due` is a case
	DocType, and must carry the whole contract, or the engines would fail on its cases."""
	if doc.module != CASES_MODULE or doc.istable or not any(
		field.fieldname == CONTRACT_FIELD for field in doc.fields
	):
		return
	gaps = contract_gaps([field.as_dict() for field in doc.fields])
	if gaps:
		frappe.throw(
			_("{0} has the case field {1} but not the rest of the case contract: {2}.").format(
				doc.name, CONTRACT_FIELD, "; ".join(gaps)
			),
			CaseContractError,
			title=_("Incomplete Case Contract"),
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


CACHE_KEY = "xinqu_case_doctypes"
# Frappe deletes a DocType without running its doc_events (`delete_doc` of a DocType), so the cached
# set may outlive a deleted case DocType: it expires after this long, and `clear_cache` (bench
# clear-cache) drops it at once.
CACHE_SECONDS = 600


def case_doctypes() -> list[str]:
	"""Every case DocType of the site, by name, sorted (cached; cleared when a DocType or Custom Field
	is saved or deleted)."""
	return sorted(case_doctype_set())


def case_doctype_set() -> frozenset[str]:
	"""The case DocTypes as a set: read on every save by the case doc_events, so memoised for the
	request / job and kept in the site's cache between them."""
	cached = frappe.local.flags.get(CACHE_KEY)
	if cached is None:
		stored = frappe.cache.get_value(CACHE_KEY)
		if stored is None:
			stored = _read_case_doctypes()
			frappe.cache.set_value(CACHE_KEY, stored, expires_in_sec=CACHE_SECONDS)
		cached = frozenset(stored)
		frappe.local.flags[CACHE_KEY] = cached
	return cached


def is_case_doctype(doctype: str) -> bool:
	"""True when `doctype` is a case DocType."""
	return bool(doctype) and doctype in case_doctype_set()


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
	"""doc_events on DocType and Custom Field (on_update, on_trash, after_delete), and `clear_cache`:
	a case DocType may have come or gone."""
	frappe.local.flags.pop(CACHE_KEY, None)
	frappe.cache.delete_value(CACHE_KEY)


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
