"""Scoping on the tree (governance/tree_scope.py) gives exactly the rows and answers of Frappe's own
User Permissions: for residents, households and the case types, whose `jurisdiction` field Frappe is
told to skip, lists, counts, REST-style `get_list` and documents are checked against Frappe's rule
computed from Frappe's own expanded list of the user's nodes (`get_allowed_docs_for_doctype`), for
users of every shape of User Permission: one node with its descendants, several nodes, a node whose
descendants are hidden, a permission for one DocType only, none at all."""

import frappe
import pytest
from frappe.core.doctype.user_permission.user_permission import get_user_permissions
from frappe.permissions import get_allowed_docs_for_doctype
from xinqu_governance.governance import tree_scope
from xinqu_governance.governance.tree_scope import COUNT, PAGE, TREE_SCOPED, default_node, shaped_as

from tests.case_factories import case_profile, make_case, stage  # noqa: F401
from tests.factories import citizen_ids, make_household, make_jurisdiction_tree, make_resident, make_user_at, unique
from xinqu_governance.tests.factories import make_user

pytestmark = pytest.mark.usefixtures("case_profile")


def user_permission(user: str, node: str, **fields) -> None:
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Jurisdiction", "for_value": node, **fields}
	).insert(ignore_permissions=True)


@pytest.fixture
def world():
	"""Residents, households and disputes at every node of a tree; users of every kind of scope."""
	frappe.set_user("Administrator")
	w = stage(make_jurisdiction_tree())
	nodes = [w[key] for key in ("town_a", "town_b", "village_a1", "village_a2", "village_b1", "grid_a1", "grid_b1")]
	w.residents = {node: make_resident(node).name for node in nodes}
	w.households = {node: make_household(node, members=1).name for node in nodes}
	w.disputes = {node: make_case("Dispute", node).name for node in (w.village_a1, w.village_a2, w.village_b1)}
	w.town_officer = make_user_at("Town Officer", w.town_a, prefix="xq-tree-town")
	w.village_staff = make_user_at("Village Staff", w.village_a1, prefix="xq-tree-vil")
	w.two_nodes = make_user_at("Village Staff", w.village_a2, prefix="xq-tree-two")
	user_permission(w.two_nodes, w.village_b1, apply_to_all_doctypes=1)
	# town B itself, not what lies below it
	w.node_only = make_user_at("Grid Worker", w.grid_a1, prefix="xq-tree-only")
	user_permission(w.node_only, w.town_b, apply_to_all_doctypes=1, hide_descendants=1)
	# village B1 for residents only: households stay as the assignment's grid gives them
	w.residents_only = make_user_at("Grid Worker", w.grid_a1, prefix="xq-tree-res")
	user_permission(w.residents_only, w.village_b1, apply_to_all_doctypes=0, applicable_for="Resident")
	# a role held at no node, with a User Permission given by hand
	w.manager = make_user("xq-tree-sm", roles=("System Manager",))
	user_permission(w.manager, w.village_a1, apply_to_all_doctypes=1)
	w.unscoped = make_user("xq-tree-free", roles=("System Manager",))
	w.users = [w.town_officer, w.village_staff, w.two_nodes, w.node_only, w.residents_only, w.manager, w.unscoped]
	return w


def frappes_rule(user: str, doctype: str, records: dict[str, str]) -> set[str]:
	"""The records (node → name) Frappe's User Permissions let `user` list in `doctype`."""
	allowed = get_allowed_docs_for_doctype(get_user_permissions(user).get("Jurisdiction", []), doctype)
	return {name for node, name in records.items() if not allowed or node in allowed}


def listed(user: str, doctype: str, records: dict[str, str]) -> set[str]:
	frappe.set_user(user)
	try:
		return set(
			frappe.get_list(doctype, filters={"name": ("in", list(records.values()))}, pluck="name", limit=0)
		)
	finally:
		frappe.set_user("Administrator")


def test_the_tree_scoped_doctypes_hand_their_node_field_to_the_tree_scope():
	hooks = frappe.get_hooks("permission_query_conditions")
	checks = frappe.get_hooks("has_permission")
	for doctype in TREE_SCOPED:
		field = frappe.get_meta(doctype).get_field("jurisdiction")
		assert field.options == "Jurisdiction" and field.reqd and field.ignore_user_permissions, doctype
		assert hooks.get(doctype) == ["xinqu_governance.governance.tree_scope.scope_condition"], doctype
		assert "xinqu_governance.governance.tree_scope.has_scope_permission" in checks[doctype], doctype
	# every other Link to Jurisdiction marked so is one that deliberately reaches outside the user's nodes
	for doctype in ("Jurisdiction Assignment", "Facility", "Building", "Village Decision"):
		field = frappe.get_meta(doctype).get_field("jurisdiction")
		assert not field or not field.ignore_user_permissions, doctype


def test_lists_and_counts_hold_exactly_the_rows_of_frappes_rule(world):
	for doctype, records in (("Resident", world.residents), ("Household", world.households), ("Dispute", world.disputes)):
		for user in world.users:
			expected = frappes_rule(user, doctype, records)
			assert listed(user, doctype, records) == expected, (doctype, user)
			frappe.set_user(user)
			try:
				counted = frappe.client.get_count(doctype, filters={"name": ("in", list(records.values()))})
			finally:
				frappe.set_user("Administrator")
			assert counted == len(expected), (doctype, user)
	# the shapes of scope above really differ
	assert listed(world.town_officer, "Resident", world.residents) == {
		world.residents[n] for n in (world.town_a, world.village_a1, world.village_a2, world.grid_a1)
	}
	assert listed(world.node_only, "Resident", world.residents) == {world.residents[world.town_b], world.residents[world.grid_a1]}
	assert listed(world.residents_only, "Resident", world.residents) == {
		world.residents[world.grid_a1], world.residents[world.village_b1], world.residents[world.grid_b1]
	}
	assert listed(world.residents_only, "Household", world.households) == {world.households[world.grid_a1]}
	assert listed(world.unscoped, "Resident", world.residents) == set(world.residents.values())


SHAPES = {"unknown": None, "page": PAGE, "count": COUNT}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_form_of_a_large_scope_holds_exactly_the_rows_of_frappes_rule(world, monkeypatch, shape):
	"""A scope of more than LIST_LIMIT nodes reaches MariaDB as the tree's range read per row (a page)
	or as the nested-set semi-join (a count); with the limit at 0 every scope of this small tree takes
	that form, and every user's list and count is still Frappe's rule, a filter by node combining."""
	monkeypatch.setattr(tree_scope, "LIST_LIMIT", 0)
	for doctype, records in (("Resident", world.residents), ("Household", world.households), ("Dispute", world.disputes)):
		for user in world.users:
			expected = frappes_rule(user, doctype, records)
			with shaped_as(SHAPES[shape]):
				assert listed(user, doctype, records) == expected, (doctype, user)
				frappe.set_user(user)
				try:
					counted = frappe.client.get_count(doctype, filters={"name": ("in", list(records.values()))})
					below_a1 = frappe.get_list(
						doctype,
						filters={"jurisdiction": ("descendants of (inclusive)", world.village_a1), "name": ("in", list(records.values()))},
						pluck="name",
					)
				finally:
					frappe.set_user("Administrator")
			assert counted == len(expected), (doctype, user)
			assert set(below_a1) == {records[n] for n in (world.village_a1, world.grid_a1) if n in records} & expected
	# the forms really are the tree's
	frappe.set_user(world.town_officer)
	try:
		with shaped_as(SHAPES[shape]):
			sql = str(frappe.get_list("Resident", fields=["name"], limit=20, run=0)).lower()
	finally:
		frappe.set_user("Administrator")
	form = {"unknown": f"'{world.grid_a1}'", "page": "(select `lft` from `tabjurisdiction` where `name` =", "count": "in (select `name` from `tabjurisdiction` where (`lft` >="}
	assert form[shape] in sql


def test_the_desk_and_rest_lists_and_counts_run_in_the_form_of_their_query(world, monkeypatch):
	"""The whitelisted list and count methods are Frappe's own, run with their shape known
	(governance/scoped_queries.py through `override_whitelisted_methods`): the rows and counts are
	Frappe's rule, and the query each sends is the form of its shape."""
	from xinqu_governance.governance import scoped_queries

	def get_attr(method):  # as frappe.handler.execute_cmd resolves a whitelisted method: its last override
		return frappe.get_attr(frappe.get_hooks("override_whitelisted_methods").get(method, [method])[-1])

	monkeypatch.setattr(tree_scope, "LIST_LIMIT", 0)
	shapes = []
	condition = tree_scope.roots_condition
	monkeypatch.setattr(tree_scope, "roots_condition", lambda *args: shapes.append(args[2]) or condition(*args))
	for method in (
		*("frappe.desk.reportview.get", "frappe.desk.reportview.get_list", "frappe.desk.reportview.get_count"),
		*("frappe.client.get_list", "frappe.client.get_count", "frappe.desk.listview.get_group_by_count"),
		"frappe.desk.doctype.number_card.number_card.get_result",
		"frappe.desk.doctype.number_card.number_card.get_percentage_difference",
	):
		assert get_attr(method).__module__ == scoped_queries.__name__, method
	names = list(world.residents.values())
	expected = frappes_rule(world.town_officer, "Resident", world.residents)
	frappe.set_user(world.town_officer)
	try:
		frappe.local.form_dict = frappe._dict(doctype="Resident", fields=["`tabResident`.`name`"], filters=[["Resident", "name", "in", names]], start=0, page_length=20)
		page = get_attr("frappe.desk.reportview.get")()
		frappe.local.form_dict = frappe._dict(doctype="Resident", filters=[["Resident", "name", "in", names]], limit=1001)
		bounded = get_attr("frappe.desk.reportview.get_count")()
		listed_by_rest = get_attr("frappe.client.get_list")(doctype="Resident", fields=["name"], filters={"name": ("in", names)})
		counted_by_rest = get_attr("frappe.client.get_count")(doctype="Resident", filters={"name": ("in", names)})
	finally:
		frappe.local.form_dict = frappe._dict()
		frappe.set_user("Administrator")
	assert {row[0] for row in page["values"]} == expected
	assert bounded == counted_by_rest == len(expected)
	assert {row.name for row in listed_by_rest} == expected
	assert shapes == [PAGE, COUNT, PAGE, COUNT]
	frappe.set_user(world.town_officer)
	try:
		by_node = get_attr("frappe.desk.listview.get_group_by_count")(
			doctype="Resident", current_filters=frappe.as_json([["Resident", "name", "in", names]]), field="jurisdiction"
		)
		card = get_attr("frappe.desk.doctype.number_card.number_card.get_result")(
			doc=frappe.as_json({"document_type": "Resident", "function": "Count"}),
			filters=frappe.as_json([["Resident", "name", "in", names]]),
		)
	finally:
		frappe.set_user("Administrator")
	assert sum(row["count"] for row in by_node) == card == len(expected)
	assert shapes[4:] == [COUNT, COUNT]


@pytest.mark.parametrize("list_limit", [200, 0], ids=["scope as a list", "scope as the tree's range"])
def test_a_subtree_filter_of_the_desk_or_rest_gives_frappes_rows(world, monkeypatch, list_limit):
	"""`jurisdiction descendants of (inclusive) <node>` moved into the scope (governance/scoped_queries.py)
	gives the rows of Frappe's own filter for every user, in the desk's list and count and REST's, in
	the filters' list and dict forms; a user with a document shared stays on Frappe's filter (shared
	documents pass every condition of the scope) and still gets its rows."""
	from xinqu_governance.governance import scoped_queries

	monkeypatch.setattr(tree_scope, "LIST_LIMIT", list_limit)
	frappe.share.add("Resident", world.residents[world.grid_b1], world.village_staff, read=1, notify=0)
	moved = []
	scope_filters = scoped_queries.scope_filters
	monkeypatch.setattr(scoped_queries, "scope_filters", lambda *a: moved.append(scope_filters(*a)[1]) or scope_filters(*a))
	names = list(world.residents.values())
	for user in world.users:
		for node in (world.town_a, world.village_a1, world.town_b):
			frappe.set_user(user)
			try:
				expected = set(
					frappe.get_list(
						"Resident",
						filters={"jurisdiction": ("descendants of (inclusive)", node), "name": ("in", names)},
						pluck="name",
					)
				)
				frappe.local.form_dict = frappe._dict(
					doctype="Resident",
					fields=["`tabResident`.`name`"],
					filters=frappe.as_json([["Resident", "jurisdiction", "descendants of (inclusive)", node], ["Resident", "name", "in", names]]),
					start=0,
					page_length=20,
				)
				page = {row[0] for row in (scoped_queries.get() or {"values": []})["values"]}  # [] when empty
				frappe.local.form_dict.limit = 1001
				bounded = scoped_queries.get_count()
				rest = scoped_queries.get_list_of_documents(
					doctype="Resident", fields=["name"], filters={"jurisdiction": ["descendants of (inclusive)", node], "name": ["in", names]}
				)
				counted = scoped_queries.count_documents(
					doctype="Resident", filters=[["jurisdiction", "descendants of (inclusive)", node], ["name", "in", names]]
				)
			finally:
				frappe.local.form_dict = frappe._dict()
				frappe.set_user("Administrator")
			assert page == {row.name for row in rest} == expected, (user, node)
			assert bounded == counted == len(expected), (user, node)
	# the filter was moved for the scoped users, kept for the one with a share and the unscoped one
	assert {"Resident"} == {doctype for within in moved for doctype in within}
	assert any(within for within in moved) and not all(within for within in moved)
	frappe.set_user(world.village_staff)
	try:
		assert scoped_queries.scope_filters("Resident", {"jurisdiction": ["descendants of (inclusive)", world.town_a]})[1] == {}
	finally:
		frappe.set_user("Administrator")


def test_the_sql_holds_the_scope_once_as_one_plain_list_read_from_the_tree(world):
	"""No `ifnull(…) = ''` branch (it kept a count from any index) and the officer's nodes once."""
	frappe.set_user(world.town_officer)
	try:
		sql = str(frappe.get_list("Resident", fields=["name"], limit=20, run=0))  # v15: the SQL; v16: a query
	finally:
		frappe.set_user("Administrator")
	town = {world.town_a, world.village_a1, world.village_a2, world.grid_a1, world.grid_a2}
	assert "ifnull" not in sql.lower() and all(sql.count(f"'{node}'") == 1 for node in town)
	assert world.town_b not in sql and world.village_b1 not in sql


def test_filters_by_node_combine_with_the_scope(world):
	frappe.set_user(world.town_officer)
	try:
		below_a1 = frappe.get_list(
			"Resident",
			filters={"jurisdiction": ("descendants of (inclusive)", world.village_a1), "name": ("in", list(world.residents.values()))},
			pluck="name",
		)
		town_b = frappe.get_list("Resident", filters={"jurisdiction": world.town_b}, pluck="name")
	finally:
		frappe.set_user("Administrator")
	assert set(below_a1) == {world.residents[world.village_a1], world.residents[world.grid_a1]}
	assert town_b == []


def test_a_document_is_refused_outside_frappes_rule(world):
	"""The node hook passes a role held at no node (System Manager); the tree scope's own check refuses."""
	for node, name in world.residents.items():
		doc = frappe.get_doc("Resident", name)
		expected = name in frappes_rule(world.manager, "Resident", world.residents)
		assert frappe.has_permission("Resident", "read", doc=doc, user=world.manager) == expected, node
		assert frappe.has_permission("Resident", "write", doc=doc, user=world.manager) == expected, node
	frappe.set_user(world.manager)
	try:
		with pytest.raises(frappe.PermissionError):
			frappe.get_doc("Resident", world.residents[world.village_b1]).check_permission("read")
		outside = frappe.get_doc(
			{"doctype": "Resident", "full_name": unique("居民"), "jurisdiction": world.village_b1}
		)
		assert not frappe.has_permission("Resident", "create", doc=outside)
	finally:
		frappe.set_user("Administrator")


def test_a_new_record_gets_the_users_default_node(world):
	frappe.set_user(world.residents_only)
	try:
		assert default_node("Household") == world.grid_a1  # the only node for households
		assert default_node("Resident") is None  # two nodes for residents: none preset
		household = frappe.get_doc({"doctype": "Household", "transition_status": "Awaiting Allocation"}).insert()
		assert household.jurisdiction == world.grid_a1
		with pytest.raises(frappe.MandatoryError):
			frappe.get_doc({"doctype": "Resident", "full_name": unique("居民"), "citizen_id": citizen_ids()[0]}).insert()
	finally:
		frappe.set_user("Administrator")


def test_the_forms_search_of_the_node_keeps_to_the_user_permissions(world):
	from xinqu_governance.api.scope import search_nodes

	tag = world.city[len("测试市") :]
	frappe.set_user(world.town_officer)
	try:
		found = {row[0] for row in search_nodes("Jurisdiction", tag, page_len=50)}
	finally:
		frappe.set_user("Administrator")
	assert found == {world.town_a, world.village_a1, world.village_a2, world.grid_a1, world.grid_a2}
