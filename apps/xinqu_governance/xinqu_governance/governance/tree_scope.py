"""A user's jurisdiction scope for the tables that grow with the city, read from the tree.

The source of truth stays Frappe's User Permissions on Jurisdiction (governance/access.py makes them
from Jurisdiction Assignments; an administrator may add others by hand). Frappe applies a User
Permission on a tree node by expanding it into the node and all its descendants, and then ANDs
`(ifnull(field, '') = '' or field in (<every one of those names>))` into every query, once per Link
field to Jurisdiction and again for a `descendants of` filter: for a town officer 701 names, each
list rendered term by term by the query builder (39% of a page's time, issue 12), and an OR that no
index serves, so an exact count read the whole table (529 ms at a million residents).

For the DocTypes in `TREE_SCOPED` (residents, households and the case types: the tables of a
million rows) the `jurisdiction` field is marked `ignore_user_permissions` in the DocType, so
Frappe's expansion skips that one field, and this module applies the same User Permissions there
itself:

- lists, reports, REST, link searches of these DocTypes, counts: `permission_query_conditions`
  (hooks.py) → `scope_condition`: the field within the user's nodes, read live from the tree's
  lft/rgt ranges of the user's permitted nodes (a node whose User Permission hides descendants: that
  node only), in the form that suits the query (`roots_condition`): a scope of few nodes, or a query
  of unknown shape, as one plain list of its nodes; a large scope in a page of the desk's list or
  REST as the tree's range read per row, and in a count as the nested-set semi-join
  (governance/scoped_queries.py tells the shape). Why not the semi-join everywhere: MariaDB (10.11)
  runs it for a page by materialising the subtree and then sorting every row of the scope ("Using
  temporary; Using filesort": seconds for a town), and beside Frappe's `= ''` branch it is evaluated
  once per row of the table (a count took minutes); why not the list everywhere: MariaDB's optimizer
  spends ~13 µs on each of its names before it reads a row (docs/benchmarks.md, "Tree scope in the form of the query");
- a document (read, write, create, print, …): the `has_permission` hook → `has_scope_permission`,
  Frappe's own rule of `frappe.permissions.has_user_permission` for that field, on Frappe's own
  expanded list;
- a new document: the user's default node from the User Permissions (`default_node`, on
  insert; the desk's form does the same, and searches the field's nodes within the User Permissions
  as Frappe does: public/js/tree_scope.bundle.js).

One deliberate difference: Frappe's non-strict rule also shows every record whose field is empty.
`jurisdiction` is mandatory on each of these DocTypes, so only raw SQL could write such a record;
it is shown to no scoped user (a record of no village is not shown to every village), and that
keeps the condition an index range for a count.

Other DocTypes, and case types made as data, keep Frappe's own IN lists.
"""

import frappe
from frappe.core.doctype.user_permission.user_permission import get_user_permissions
from frappe.permissions import get_allowed_docs_for_doctype
from frappe.query_builder import Criterion

SCOPE_FIELD = "jurisdiction"

# the tables that grow with the population and its cases; their `jurisdiction` field is marked
# `ignore_user_permissions` (tests/test_tree_scope.py holds the DocTypes to this list)
TREE_SCOPED = (
	"Resident",
	"Household",
	"Dispute",
	"Petition",
	"Service Request",
	"Grid Event",
	"Stability Risk Assessment",
	"Emergency Incident",
)


def permitted_roots(user: str, doctype: str) -> list[dict]:
	"""The nodes of the user's User Permissions on Jurisdiction that apply to `doctype` (Frappe's rule:
	those for every DocType and those for this one), with their User Permission's hide_descendants and
	the node's lft/rgt (None for a node that no longer exists). One indexed query, read live."""
	if user in ("Administrator", "Guest"):
		return []
	UP = frappe.qb.DocType("User Permission")
	J = frappe.qb.DocType("Jurisdiction")
	rows = (
		frappe.qb.from_(UP)
		.left_join(J)
		.on(J.name == UP.for_value)
		.select(UP.for_value, UP.hide_descendants, UP.applicable_for, J.lft, J.rgt)
		.where((UP.user == user) & (UP.allow == "Jurisdiction"))
		.orderby(UP.for_value)
		.run(as_dict=True)
	)
	return [row for row in rows if not row.applicable_for or row.applicable_for == doctype]


def scope_nodes(user: str, doctype: str) -> list[str] | None:
	"""The nodes the user's User Permissions allow in `doctype`, read from the tree's ranges now (the
	same nodes as Frappe's expanded list); None when no User Permission on Jurisdiction limits the
	user there."""
	roots = permitted_roots(user, doctype)
	return nodes_under(roots) if roots else None


def whole_subtrees(roots: list[dict]) -> list[dict]:
	"""The roots that stand for their subtree (their User Permission does not hide descendants)."""
	return [root for root in roots if root.lft is not None and not root.hide_descendants]


def nodes_under(roots: list[dict]) -> list[str]:
	"""Every node of the roots' subtrees, and the roots that stand alone (a User Permission hiding
	descendants; a node since deleted, whose name matches nothing, as in Frappe's list)."""
	J = frappe.qb.DocType("Jurisdiction")
	ranges = [(J.lft >= root.lft) & (J.rgt <= root.rgt) for root in whole_subtrees(roots)]
	alone = [root.for_value for root in roots if root.lft is None or root.hide_descendants]
	below = frappe.qb.from_(J).select(J.name).where(Criterion.any(ranges)).run(pluck=True) if ranges else []
	return sorted({*below, *alone})


# A scope of more nodes than this reaches MariaDB in the form that suits the query (below), not as the
# list of its nodes: MariaDB's optimizer spends ~13 µs on each name of an IN list before it reads a
# row (45 ms for a town's 3 490 nodes, however few rows the page needs: docs/benchmarks.md, "Tree
# scope in the form of the query"). Up to this many nodes the list is cheap and serves every shape of query by
# an index range (a grid worker, village staff, most villages' officers).
LIST_LIMIT = 200

# the shape of the query a whitelisted list or count method is running (governance/scoped_queries.py)
PAGE, COUNT = "page", "count"


def query_shape() -> str | None:
	return getattr(frappe.local, "xinqu_scope_shape", None)


def narrowed_to(doctype: str) -> list[dict]:
	"""The roots a `descendants of (inclusive)` filter of the running list or count narrows
	`doctype`'s scope to (governance/scoped_queries.py moved the filter here), or none."""
	return (getattr(frappe.local, "xinqu_scope_within", None) or {}).get(doctype) or []


class shaped_as:
	"""`with shaped_as(PAGE): …`: the queries inside are pages (ordered, limited) or counts
	(aggregates), so that a large scope is written in the form MariaDB runs fastest for them;
	`within` ({doctype: roots}) narrows a DocType's scope to the roots' subtrees."""

	def __init__(self, shape: str, within: dict | None = None):
		self.shape, self.within = shape, within or {}

	def __enter__(self):
		self.outer = query_shape(), getattr(frappe.local, "xinqu_scope_within", None)
		frappe.local.xinqu_scope_shape, frappe.local.xinqu_scope_within = self.shape, self.within

	def __exit__(self, *exc):
		frappe.local.xinqu_scope_shape, frappe.local.xinqu_scope_within = self.outer


def scope_condition(user: str | None = None, doctype: str | None = None) -> str:
	"""The `permission_query_conditions` hook of the TREE_SCOPED DocTypes: the field within the
	user's nodes (`roots_condition`, in the shape of the running query), and within the subtrees a
	filter of the running list narrowed it to."""
	roots = permitted_roots(user or frappe.session.user, doctype)
	if not roots:
		return ""
	field = f"`tab{doctype}`.`{SCOPE_FIELD}`"
	condition = roots_condition(field, roots, query_shape())
	if within := narrowed_to(doctype):
		condition = f"({condition}) and ({roots_condition(field, within, query_shape())})"
	return condition


def roots_condition(field: str, roots: list[dict], shape: str | None, list_limit: int | None = None) -> str:
	"""SQL: `field` (a Link to Jurisdiction) within the roots' subtrees (and the roots that stand
	alone). The same rows in every form (tests/test_tree_scope.py compares them):

	- up to LIST_LIMIT nodes (or `list_limit`: a caller running many queries of one scope; counted from
	  the roots' lft/rgt, an upper bound where the tree has gaps), or a query of unknown shape: one
	  plain list of the nodes (rendered here, not term by term by the query builder), an index range
	  for any query;
	- a page (PAGE: the desk's list, REST's get_list, the Overdue Queue): each row's node looked up in
	  the tree, `(select lft from tabJurisdiction where name = <field>) between <lft> and <rgt>`, a
	  correlated subquery MariaDB does not flatten, so the page reads its sort index and stops after
	  its rows (the lookup is cached per node);
	- a count (COUNT): the nested-set semi-join, `<field> in (select name from tabJurisdiction where
	  lft >= … and rgt <= …)`: the subtree's nodes first, then each node's index entries (a bounded
	  "1000+" count stops after 1 001 of them).
	"""
	whole = whole_subtrees(roots)
	size = sum((root.rgt - root.lft + 1) // 2 for root in whole) + len(roots) - len(whole)
	if shape is None or size <= (LIST_LIMIT if list_limit is None else list_limit):
		return f"{field} in ({', '.join(frappe.db.escape(node) for node in nodes_under(roots))})"
	alone = [frappe.db.escape(root.for_value) for root in roots if root not in whole]
	if shape == PAGE:
		lookup = f"(select `lft` from `tabJurisdiction` where `name` = {field})"
		terms = [f"{lookup} between {int(root.lft)} and {int(root.rgt)}" for root in whole]
	else:
		subtree = " or ".join(f"(`lft` >= {int(root.lft)} and `rgt` <= {int(root.rgt)})" for root in whole)
		terms = [f"{field} in (select `name` from `tabJurisdiction` where {subtree})"]
	if alone:
		terms.append(f"{field} in ({', '.join(alone)})")
	return " or ".join(f"({term})" for term in terms)


def allowed_nodes(user: str, doctype: str) -> list[str]:
	"""Frappe's own expanded list of the nodes the user's User Permissions allow for `doctype`."""
	return get_allowed_docs_for_doctype(get_user_permissions(user).get("Jurisdiction", []), doctype)


def has_scope_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False) -> bool:
	"""The `has_permission` hook: Frappe's User Permission rule for the `jurisdiction` field, which the
	DocType tells Frappe to skip (`frappe.permissions.has_user_permission`, non-strict: an empty
	field is Frappe's to refuse as mandatory)."""
	user = user or frappe.session.user
	node = doc.get(SCOPE_FIELD)
	if not node or user == "Administrator":
		return True
	allowed = allowed_nodes(user, doc.doctype)
	return not allowed or node in set(allowed)


def default_node(doctype: str, user: str | None = None) -> str | None:
	"""The node preset on a new record from the User Permissions: the one marked default, or the only
	one allowed for this DocType. (Frappe's `frappe.model.create_new` presets the only one only when
	the user has a single Jurisdiction permission in all; for a user of one node, the grid worker or
	the village staff, both give that node.)"""
	permissions = get_user_permissions(user or frappe.session.user).get("Jurisdiction", [])
	allowed = [p for p in permissions if not p.get("applicable_for") or p.get("applicable_for") == doctype]
	marked = [p.doc for p in allowed if p.get("is_default")]
	if marked:
		return marked[0]
	return allowed[0].doc if len(allowed) == 1 else None


def set_default_node(doc, method=None) -> None:
	"""`before_insert`: a new record without a node gets the user's default one (`default_node`)."""
	if not doc.get(SCOPE_FIELD):
		node = default_node(doc.doctype)
		if node:
			doc.set(SCOPE_FIELD, node)


def add_to_boot(bootinfo) -> None:
	"""`frappe.boot.xinqu_tree_scoped`: the DocTypes whose forms preset and search the node themselves."""
	bootinfo.xinqu_tree_scoped = list(TREE_SCOPED)
