"""The permission matrix (issue 8): for every role × node pair the district profile staffs, and for every
DocType of the app's modules, what the user may do over HTTP to a record inside their node and one
outside it is what the spec says — and the spec is `expected` below, written from Frappe's role
permission table (DocPerm rows, read from the meta) and the lines of docs/security.md, never from the
app's permission code.

What is probed (over the live server, as the user, with the session's CSRF token):
list (`/api/resource`), count (`frappe.client.get_count`), link search (`frappe.desk.search.search_link`),
Report View export (`frappe.desk.reportview.export_query`), get, print (`/printview`), update (PUT),
delete, create (POST), and every Script Report (`frappe.desk.query_report.run`) on the inside and the
outside node.

Sampled, and why it still covers every pair. The params are the 16 role × node pairs of the profile's
Jurisdiction Assignments (fixtures/jurisdiction_assignment.json) and one test-world user who is Town
Officer of 平安镇 and Village Staff of 幸福村 (the case powers held at a node exist for: each of his
nodes is the other's "outside", and a record outside both is refused by the single-role pairs).
- Every probe above, on every app DocType, for the first pair of each role and level: Grid Worker,
  County Officer, City Supervisor, Governance Administrator, and Town Officer and Village Staff
  through the two-hat user. A write right (update, create, delete) no role of the user grants is
  refused by Frappe before any node counts, so it is probed on the inside record only.
- The other pairs of a role and level (seven more villages, two more towns, the other county) differ
  from the first only in *where* the role is held, which is all the node check reads: for each of
  them get of the inside and the outside record of `NODE_SAMPLE` (the node itself, an assignment, a
  person at a grid, a compound at a village, a case) shows that their node is the one that counts.
  This keeps the module near four minutes on the loaded 2-core machine (4m40s at load average 15);
  the full probes for every pair would take about four times as long.
Records are made where a param needs them (`stock`): at the first grid of the node's first village
(or that village, for what lives at village level), and for the city-wide pairs' outside at a grid of
a test tree outside the profile's city. Reads run on three threads beside the writes, which run one at
a time (they make records). Child tables have no permissions of their own (Frappe checks the parent's,
and the User Permission check walks their rows): they are tested through their parents. Singles
(Governance Settings) belong to no node and have no records to scope; tests/test_rule_settings.py
covers who may change them.

Each DocType needs a way to make a record (`PAYLOADS`): a new DocType of the app fails the test until
it has one, so it is never skipped silently. Every mismatch is collected, so one run lists them all.
"""

import csv
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import frappe
import pytest
from frappe.utils import add_days, cint, getdate, now_datetime
from xinqu_demo.demo_data.accounts import DEMO_PASSWORD, ensure_demo_passwords
from xinqu_governance.governance.roles import GOVERNANCE_ROLES
from xinqu_governance.governance.tree_scope import TREE_SCOPED
from xinqu_governance.portal.tracking import generate_tracking_code
from xinqu_governance.profile import apply_profile
from xinqu_governance.tests.factories import make_assignment, make_tree, make_user

from tests.factories import REPO, citizen_ids, make_user_at, purge_tree, unique

PROFILE_PASSWORD = DEMO_PASSWORD
# what the pairs after the first of their role and level are probed on (see above): the node itself,
# who holds what there, a person at a grid, a compound at a village, a case
NODE_SAMPLE = ("Jurisdiction", "Jurisdiction Assignment", "Resident", "Resettlement Compound", "Dispute")
TEST_PASSWORD = "Xq-test-2015!"

# ------------------------------------------------------------------ the spec (docs/security.md)

# "Grid Worker … City Supervisor never hard-delete a Resident or Household"; "System Manager,
# Governance Administrator hard-delete Residents and Households (GA: under its node)"
PEOPLE = {"Resident", "Household"}
MAY_DELETE_PEOPLE = {"System Manager", "Governance Administrator"}


@dataclass
class Holder:
	"""A user, their roles and where they hold each governance role (active assignments only)."""

	user: str
	roles: set
	held: list = field(default_factory=list)  # (role, node) of each active assignment

	@property
	def nodes(self) -> list[str]:
		return [node for _role, node in self.held]


def holder(user: str) -> Holder:
	"""'Active' is docs/security.md's: from valid_from through valid_to (open-ended when empty)."""
	today = getdate()
	held = [
		(a.role, a.jurisdiction)
		for a in frappe.get_all(
			"Jurisdiction Assignment", filters={"user": user}, fields=["role", "jurisdiction", "valid_from", "valid_to"]
		)
		if a.valid_from and getdate(a.valid_from) <= today and (not a.valid_to or getdate(a.valid_to) >= today)
	]
	return Holder(user, set(frappe.get_roles(user)), held)


def bounds(node: str | None):
	found = node and frappe.db.get_value("Jurisdiction", node, ["lft", "rgt"])
	return tuple(found) if found else None


def covers(node: str, place: str) -> bool:
	"""`place` is `node` or lies under it (lft / rgt of Jurisdiction, read now: records made since move them)."""
	outer, inner = bounds(node), bounds(place)
	if not outer or not inner:
		return False  # a node deleted (by a delete the spec refuses) covers nothing
	return outer[0] <= inner[0] and outer[1] >= inner[1]


def granted(doctype: str, right: str) -> set[str]:
	"""Roles whose level-0 row of Frappe's role permission table grants `right`."""
	return {p.role for p in frappe.get_meta(doctype).permissions if not cint(p.permlevel) and cint(p.get(right))}


def belongs_to_node(doctype: str) -> bool:
	""""A DocType that belongs to a node": Jurisdiction itself and every DocType with a `jurisdiction` link."""
	df = frappe.get_meta(doctype).get_field("jurisdiction")
	return doctype == "Jurisdiction" or bool(df and df.fieldtype == "Link" and df.options == "Jurisdiction")


def node_of(doc) -> str | None:
	"""The record's node: its `jurisdiction`; a Jurisdiction is its own node, a new one its parent's."""
	if doc.doctype == "Jurisdiction":
		return doc.name if is_stored(doc) else doc.parent_jurisdiction
	return doc.get("jurisdiction")


def is_stored(doc) -> bool:
	return bool(doc.name) and bool(frappe.db.exists(doc.doctype, doc.name))


def user_permission_places(doc) -> list:
	"""What the User Permissions on Jurisdiction check: a Jurisdiction's own node, and every Link to
	Jurisdiction not marked ignore_user_permissions that has a value, in the record and its rows; the
	large tables' `jurisdiction` is marked for Frappe and scoped by the same User Permissions on the
	tree (TREE_SCOPED: docs/architecture.md "Jurisdiction")."""
	places = [node_of(doc)] if doc.doctype == "Jurisdiction" else []
	for row in [doc, *doc.get_all_children()]:
		for df in frappe.get_meta(row.doctype).get_link_fields():
			scopes = not df.ignore_user_permissions or (df.fieldname == "jurisdiction" and row.doctype in TREE_SCOPED)
			if df.options == "Jurisdiction" and scopes and row.get(df.fieldname):
				places.append(row.get(df.fieldname))
	return places


def in_users_nodes(who: Holder, doc) -> bool:
	""""Lists stay scoped by User Permissions (all the user's nodes)", and so does every right."""
	return all(any(covers(n, place) for n in who.nodes) for place in user_permission_places(doc))


def expected(who: Holder, doc, right: str) -> bool:
	"""May `who` use `right` (read, write, create, delete, print) on `doc`?

	A role's DocPerm right holds only for records whose node is, or lies under, a node where the user
	holds that role through an active assignment; roles not held at nodes keep Frappe's own check.
	Frappe prints what the user may read or print."""
	if right == "print":
		return expected(who, doc, "read") or _expected(who, doc, "print")
	return _expected(who, doc, right)


def _expected(who: Holder, doc, right: str) -> bool:
	return by_roles(who, doc, right) or shared(who, doc, right)


def by_roles(who: Holder, doc, right: str) -> bool:
	roles = granted(doc.doctype, right) & who.roles
	if right == "delete" and doc.doctype in PEOPLE:
		roles &= MAY_DELETE_PEOPLE
	if not roles:
		return False
	if not in_users_nodes(who, doc):
		return False
	if not belongs_to_node(doc.doctype):
		return True
	place = node_of(doc)
	return any(
		role not in GOVERNANCE_ROLES or any(r == role and covers(node, place) for r, node in who.held)
		for role in roles
	)


def shared(who: Holder, doc, right: str) -> bool:
	"""A case shared with its assignee for work (DocShare): Frappe reads the share whenever the roles
	refuse the right, whether no role grants it or the record's node refuses a role the user holds
	elsewhere (the assignee in another county, tests/test_case_assignment_todo.py)."""
	if right not in ("read", "write") or not is_stored(doc):
		return False
	return bool(frappe.db.exists("DocShare", {"share_doctype": doc.doctype, "share_name": doc.name, "user": who.user, right: 1}))


def listed(who: Holder, doc, *, select: bool = False) -> bool:
	"""Lists, counts, exports and link search: the read (search: or select) right through any role,
	on a record under any of the user's nodes, whichever role the user holds there."""
	rights = granted(doc.doctype, "read") | (granted(doc.doctype, "select") if select else set())
	return bool(rights & who.roles) and in_users_nodes(who, doc)


# ------------------------------------------------------------------ records of every DocType


def app_doctypes() -> list[str]:
	"""The DocTypes of the app's modules with records of their own, read from the meta."""
	modules = frappe.get_module_list("xinqu_governance")
	rows = frappe.get_all("DocType", filters={"module": ("in", modules)}, fields=["name", "istable", "issingle"])
	return sorted(row.name for row in rows if not row.istable and not row.issingle)


def _case(doctype: str, **fields):
	return lambda loc: {"doctype": doctype, "jurisdiction": loc.grid, "subject": unique("矩阵事项"), **fields}


def _on_case(doctype: str, **fields):
	return lambda loc: {
		"doctype": doctype,
		"jurisdiction": loc.grid,
		"case_doctype": "Dispute",
		"case_name": loc.records["Dispute"],
		**{key: value(loc) if callable(value) else value for key, value in fields.items()},
	}


def _new_grid(loc) -> str:
	"""A grid of the location's village that nothing stands on yet: made before the param's requests
	start (`stock`), since a request whose transaction began before a new node was committed can cache
	the user's list of nodes without it (Frappe's caches are filled on read)."""
	return loc.spare_grids.pop() if loc.spare_grids else _make_grid(loc)


def _make_grid(loc) -> str:
	return loc.make({"doctype": "Jurisdiction", "jurisdiction_name": unique("矩阵网格"), "level": "Grid", "parent_jurisdiction": loc.village})


def _holder_to_be(loc) -> dict:
	"""The module's one holder (Frappe throttles new users) as Grid Worker of a new grid (no overlap)."""
	return {
		"doctype": "Jurisdiction Assignment",
		"user": loc.holder,
		"role": "Grid Worker",
		"jurisdiction": _new_grid(loc),
		"valid_from": getdate(),
	}


# DocType → the record it makes at a location (in dependency order: a payload may name the location's
# records of the DocTypes above it). Rules are made inactive so that they act on nobody's cases.
PAYLOADS = {
	"Jurisdiction": lambda loc: {
		"doctype": "Jurisdiction",
		"jurisdiction_name": unique("矩阵网格"),
		"level": "Grid",
		"parent_jurisdiction": loc.village,
	},
	"Jurisdiction Assignment": _holder_to_be,
	"Resettlement Compound": lambda loc: {
		"doctype": "Resettlement Compound",
		"compound_name": unique("矩阵小区"),
		"jurisdiction": loc.village,
	},
	"Building": lambda loc: {
		"doctype": "Building",
		"compound": loc.records["Resettlement Compound"],
		"building_number": unique("B"),
		"building_type": "Multi-storey",
		"floors": 1,
		"unit_count": 99,
		"dwellings_per_floor": 1,
		"create_units_and_dwellings": 0,
	},
	"Building Unit": lambda loc: {
		"doctype": "Building Unit",
		"building": loc.records["Building"],
		"unit_number": 1 + frappe.db.count("Building Unit", {"building": loc.records["Building"]}),
	},
	"Dwelling": lambda loc: {
		"doctype": "Dwelling",
		"building_unit": loc.records["Building Unit"],
		"floor": 1,
		"room": unique("R"),
	},
	"Resident": lambda loc: {
		"doctype": "Resident",
		"full_name": unique("矩阵居民"),
		"citizen_id": citizen_ids()[0],
		"jurisdiction": loc.grid,
	},
	"Household": lambda loc: {
		"doctype": "Household",
		"jurisdiction": loc.grid,
		"transition_status": "Awaiting Allocation",
	},
	"Grid Profile": lambda loc: {"doctype": "Grid Profile", "jurisdiction": _new_grid(loc)},
	"Facility": lambda loc: {
		"doctype": "Facility",
		"facility_name": unique("矩阵服务站"),
		"facility_type": "Village Service Station",
		"floor_area": 600,
		"jurisdiction": loc.village,
	},
	"Organisation": lambda loc: {
		"doctype": "Organisation",
		"organisation_name": unique("矩阵村委会"),
		"org_type": "Village Committee",
		"jurisdiction": loc.village,
	},
	"Village Decision": lambda loc: {
		"doctype": "Village Decision",
		"matter": unique("矩阵议题"),
		"is_major_decision": 1,
		"meeting_date": frappe.utils.today(),
		"jurisdiction": loc.village,
	},
	"Handling Unit": lambda loc: {
		"doctype": "Handling Unit",
		"unit_name": unique("矩阵服务站"),
		"unit_type": "Village Service Station",
		"level": "Village",
		"department": "Comprehensive Governance",
		"jurisdiction": loc.village,
	},
	"Dispute": _case("Dispute", how_found="Visit"),
	"Petition": _case("Petition", content="反映安置房分配问题", petitioner_name="矩阵信访人"),
	"Service Request": _case("Service Request", service_type="Pension", applicant_name="矩阵申请人"),
	"Grid Event": _case("Grid Event", event_type="Dispute Lead"),
	"Stability Risk Assessment": _case(
		"Stability Risk Assessment", subject_type="Major Decision", risk_field="Resettlement"
	),
	"Emergency Incident": _case("Emergency Incident", kind="Group or Mass Incident"),
	"Public Submission": lambda loc: {
		"doctype": "Public Submission",
		"tracking_code": generate_tracking_code(),
		"submission_type": "Petition",
		"reference_doctype": "Petition",
		"reference_name": loc.records["Petition"],
		"jurisdiction": loc.grid,
	},
	"Supervision": _on_case(
		"Supervision",
		kind="Ordinary",
		deadline=lambda loc: add_days(now_datetime(), 7),
		instruction="请限期办结",
	),
	# one accountability record per supervision
	"Accountability Record": _on_case(
		"Accountability Record", supervision=lambda loc: loc.make(PAYLOADS["Supervision"](loc))
	),
	"Early Warning": _on_case("Early Warning", message="同一事项反复出现"),
	"Routing Rule": lambda loc: {
		"doctype": "Routing Rule",
		"rule_name": unique("矩阵分派"),
		"territory": loc.village,
		"handling_level": "Village",
		"is_active": 0,
	},
	# the rule tables belong to no node: one record serves every location
	"Case Category": lambda loc: {"doctype": "Case Category", "category_name": unique("矩阵类别"), "used_for": []},
	"SLA Rule": lambda loc: {
		"doctype": "SLA Rule",
		"rule_name": unique("矩阵时限"),
		"case_doctype": "Dispute",
		"resolution_hours": 72,
		"on_breach": "Escalate automatically",
		"is_active": 0,
	},
	# written by the system only: the log of revealed numbers
	"Personal Data Reveal": lambda loc: {
		"doctype": "Personal Data Reveal",
		"user": "Administrator",
		"revealed_on": now_datetime(),
		"reason": "矩阵核对",
		"reference_doctype": "Resident",
		"reference_name": loc.records["Resident"],
		"field_doctype": "Resident",
		"fieldname": "citizen_id",
	},
	"Early Warning Rule": lambda loc: {
		"doctype": "Early Warning Rule",
		"rule_name": unique("矩阵预警"),
		"rule_type": "Overdue Case",
		"case_doctype": "Dispute",
		"overdue_hours": 48,
		"level": "Blue",
		"is_active": 0,
	},
}


# DocTypes of the app not probed here, each with the reason and where its rights are tested instead
NOT_PROBED = {
	# one record per case DocType (named after it), made by install for the shipped ones: a new one
	# needs a new case DocType; a rule table with no node (Governance Administrator writes, every role
	# reads), as Case Category and SLA Rule here; tests/test_case_type_as_data.py makes one as data
	"Case Type": "one per case DocType",
	# Governance Measures' summary: rows the case lifecycle and the rebuild rewrite (a probe's row would
	# not stay), read by System Managers only (no role of the profile has a DocPerm on it); what the
	# report shows from it is probed through the report, tests/test_measure_counts.py checks the rows
	"Measure Count": "rewritten by the case lifecycle",
}


def node_of_new(doc) -> str | None:
	"""The node a record being made will have: its `jurisdiction`, else (a building in a compound, a
	unit in a building, …) the node of the record it is made under, whose jurisdiction it copies."""
	if doc.doctype == "Jurisdiction" or doc.get("jurisdiction"):
		return node_of(doc)
	for df in doc.meta.get_link_fields():
		if doc.get(df.fieldname) and df.options != "Jurisdiction" and belongs_to_node(df.options):
			return frappe.db.get_value(df.options, doc.get(df.fieldname), "jurisdiction")
	return None


def as_made(payload: dict):
	"""The unsaved record of `payload`, with the node it will have (for the spec's eyes only)."""
	doc = frappe.get_doc(dict(payload))
	if doc.doctype != "Jurisdiction" and belongs_to_node(doc.doctype):
		doc.jurisdiction = node_of_new(doc)
	return doc


# ------------------------------------------------------------------ the pairs and the world

NODES = {doc["name"]: doc for doc in json.loads((REPO / "fixtures" / "jurisdiction.json").read_text())}
TWO_HATS = (("Town Officer", "平安镇"), ("Village Staff", "幸福村"))


def profile_pairs() -> list[tuple[str, str]]:
	today = getdate()
	assignments = json.loads((REPO / "fixtures" / "jurisdiction_assignment.json").read_text())
	return sorted(
		{
			(a["role"], a["jurisdiction"])
			for a in assignments
			if getdate(a["valid_from"]) <= today and (not a.get("valid_to") or getdate(a["valid_to"]) >= today)
		}
	)


def params() -> list:
	"""(who, role, node, every probe?): each profile pair, the first of each role and level in full;
	Village Staff and Town Officer have theirs in full through the two-hat user, who holds both."""
	seen, out = {(role, NODES[node]["level"]) for role, node in TWO_HATS}, []
	for role, node in profile_pairs():
		family = (role, NODES[node]["level"])
		out.append(pytest.param("profile", role, node, family not in seen, id=f"{role}@{node}"))
		seen.add(family)
	# one param for both pairs of the two-hat user: each one's node is the other's "outside"
	return [*out, pytest.param("two-hats", *TWO_HATS[0], True, id="two-hats:{}@{}+{}@{}".format(*TWO_HATS[0], *TWO_HATS[1]))]


def first_grid(node: str) -> str:
	"""The first grid under `node` in tree order."""
	lft, rgt = bounds(node)
	return frappe.db.sql(
		"select name from tabJurisdiction where level='Grid' and lft>=%s and rgt<=%s order by lft limit 1", (lft, rgt)
	)[0][0]


def insert(world, values: dict) -> str:
	doc = frappe.get_doc(values).insert(ignore_permissions=True)
	world.created.append((doc.doctype, doc.name))
	return doc.name


SPARE_GRIDS = 4  # a param's grid profile and assignment, made and deleted, at one location


def location(world, grid: str) -> frappe._dict:
	"""A place to probe: `grid`, its village, and the records made there (`stock`)."""
	return frappe._dict(
		grid=grid,
		village=frappe.db.get_value("Jurisdiction", grid, "parent_jurisdiction"),
		records={},
		spare_grids=[],
		holder=world.holder,
		make=lambda values: insert(world, values),
	)


def stock(loc, doctypes) -> None:
	"""One record of each of `doctypes` at the location (at its grid, or its village for what lives at
	village level), made once, in PAYLOADS' order (a payload may name the records above it)."""
	for doctype, payload in PAYLOADS.items():
		if doctype not in doctypes or doctype in loc.records:
			continue
		if doctype == "Jurisdiction":
			loc.records[doctype] = loc.grid  # a Jurisdiction is its own node
		elif doctype == "Grid Profile":
			loc.records[doctype] = frappe.db.exists("Grid Profile", loc.grid) or loc.make(
				{"doctype": "Grid Profile", "jurisdiction": loc.grid}
			)
		else:
			loc.records[doctype] = loc.make(payload(loc))
	while len(loc.spare_grids) < SPARE_GRIDS:
		loc.spare_grids.append(_make_grid(loc))
	frappe.db.commit()


@pytest.fixture(scope="module")
def world():
	"""The district profile (its users and assignments), the two-hat user, a test tree outside the
	profile's city, and the places to probe: a grid of each profile village and one of the test tree."""
	frappe.set_user("Administrator")
	apply_profile(str(REPO))
	ensure_demo_passwords(REPO)  # the profile's people sign in with the demo app's password
	frappe.db.commit()
	w = frappe._dict(created=[], outside_tree=make_tree(), holder=make_user("xq-matrix-holder"))
	w.two_hats = make_user_at(*TWO_HATS[0], prefix="xq-matrix-two-hats", password=TEST_PASSWORD)
	make_assignment(w.two_hats, *TWO_HATS[1])
	villages = sorted((n for n, d in NODES.items() if d["level"] == "Village"), key=lambda n: bounds(n)[0])
	w.locations = [location(w, first_grid(v)) for v in villages] + [location(w, w.outside_tree.grid_a1)]
	frappe.db.commit()
	yield w
	frappe.db.rollback()
	purge(w)


def purge(w) -> None:
	"""Delete what the module made, set-based: its records (with their rows and to-dos), the users it
	made and the test tree."""
	by_doctype = {}
	for doctype, name in w.created:
		by_doctype.setdefault(doctype, set()).add(name)
	for doctype, names in by_doctype.items():
		names = list(names)
		for df in frappe.get_meta(doctype).get_table_fields():
			frappe.db.delete(df.options, {"parent": ("in", names), "parenttype": doctype})
		frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": ("in", names)})
		frappe.db.delete(doctype, {"name": ("in", names)})
	users = [w.two_hats, *frappe.get_all("User", filters={"name": ("like", "xq-matrix-%")}, pluck="name")]
	purge_tree(w.outside_tree, users=sorted(set(users)), commit=False)
	frappe.db.commit()


def pair_user(who: str, role: str, node: str, w) -> tuple[str, str]:
	"""The user of the pair and their password: a profile user holding it (the one holding least
	else), or the two-hat user."""
	if who == "two-hats":
		return w.two_hats, TEST_PASSWORD
	holders = frappe.get_all("Jurisdiction Assignment", filters={"role": role, "jurisdiction": node}, pluck="user")
	profile_users = {doc["name"] for doc in json.loads((REPO / "fixtures" / "user.json").read_text())}
	holders = [u for u in holders if u in profile_users]
	held = {u: frappe.db.count("Jurisdiction Assignment", {"user": u}) for u in holders}
	return min(holders, key=lambda u: (held[u], u)), PROFILE_PASSWORD


def inside_and_outside(w, who: Holder, node: str) -> tuple:
	"""The location under the pair's node, and one outside it: under another node of the user where
	there is one (so that the node check, not the User Permission, is what stands in the way)."""
	inside = next(loc for loc in w.locations if covers(node, loc.grid))
	others = [loc for loc in w.locations if not covers(node, loc.grid)]
	elsewhere = [loc for loc in others if any(covers(n, loc.grid) for n in who.nodes)]
	return inside, (elsewhere or others)[0]


# ------------------------------------------------------------------ the probes


def message(response) -> str:
	try:
		body = response.json()
	except ValueError:
		return "(a page)" if response.text.lstrip().startswith("<") else response.text[:120]
	text = body.get("exc_type") or ""
	for raw in json.loads(body.get("_server_messages") or "[]")[:1]:
		text += " " + (json.loads(raw).get("message") or "")
	return text.strip()[:160]


class Probe:
	"""HTTP as one user; every mismatch with the spec is collected in `wrong`."""

	def __init__(self, session, url: str):
		self.session, self.url, self.wrong = session, url, []
		self.spent, self.calls, self.pending = 0.0, 0, []

	def call(self, method: str, path: str, **kwargs):
		started = time.perf_counter()
		try:
			return self.session.request(method, f"{self.url}{path}", timeout=60, **kwargs)
		finally:
			self.spent += time.perf_counter() - started
			self.calls += 1

	def decided(self, what: str, allowed: bool, response) -> None:
		status = response.status_code
		if (200 <= status < 300) if allowed else status == 403:
			return
		want = "allowed" if allowed else "refused (403)"
		self.wrong.append(f"{what}: expected {want}, got {status} {message(response)}")

	def status_of(self, what: str, allowed: bool, method: str, path: str, params=None) -> None:
		self.decided(what, allowed, self.call(method, path, params=params))

	def same_as(self, what: str, want, read, *args) -> None:
		self.same(what, want, read(self, *args))

	def same(self, what: str, want, got) -> None:
		if want != got:
			self.wrong.append(f"{what}: expected {sorted(want) if isinstance(want, set) else want}, got {got}")


def filters_on(names) -> str:
	return json.dumps([["name", "in", list(names)]])


def listed_over_rest(probe: Probe, doctype: str, names) -> set:
	response = probe.call(
		"GET", f"/api/resource/{doctype}", params={"filters": filters_on(names), "limit_page_length": 0}
	)
	return _names(response, lambda body: {row["name"] for row in body["data"]})


def counted(probe: Probe, doctype: str, names) -> int | set:
	response = probe.call(
		"GET", "/api/method/frappe.client.get_count", params={"doctype": doctype, "filters": filters_on(names)}
	)
	return _names(response, lambda body: body["message"], refused=0)


def searched(probe: Probe, doctype: str, names) -> set:
	response = probe.call(
		"GET",
		"/api/method/frappe.desk.search.search_link",
		params={"doctype": doctype, "txt": "", "filters": json.dumps({"name": ["in", list(names)]}), "page_length": 20},
	)
	return _names(response, lambda body: {row["value"] for row in body.get("message") or body.get("results") or []})


def exported(probe: Probe, doctype: str, names) -> set:
	response = probe.call(
		"POST",
		"/api/method/frappe.desk.reportview.export_query",
		data={
			"doctype": doctype,
			"file_format_type": "CSV",
			"fields": json.dumps([f"`tab{doctype}`.`name`"]),
			"filters": filters_on(names),
			"title": doctype,
		},
	)
	rows = lambda _body: set(names) & {
		cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row
	}
	return _names(response, rows, raw=True)


def _names(response, read, refused=frozenset(), raw=False):
	if response.status_code == 403:
		return set(refused) if isinstance(refused, frozenset) else refused
	if response.status_code != 200:
		return {f"status {response.status_code} {message(response)}"}
	return read(None if raw else response.json())


def script_reports() -> list[str]:
	return frappe.get_all(
		"Report",
		filters={"module": ("in", frappe.get_module_list("xinqu_governance")), "report_type": "Script Report"},
		pluck="name",
	)


def probe_reports(probe: Probe, me: Holder, inside: str, outside: str) -> None:
	"""A report runs for the roles it is shared with that may report on its DocType (Frappe's check),
	on a node under the user's nodes, and shows no row of a node outside them (lists' scope)."""
	for report in script_reports():
		ref = frappe.db.get_value("Report", report, "ref_doctype")
		shared = set(frappe.get_all("Has Role", filters={"parent": report, "parenttype": "Report"}, pluck="role"))
		runs = bool(shared & me.roles) and bool(granted(ref, "report") & me.roles)
		for node in (inside, outside):
			response = probe.call(
				"GET",
				"/api/method/frappe.desk.query_report.run",
				params={"report_name": report, "filters": json.dumps({"jurisdiction": node})},
			)
			mine = any(covers(n, node) for n in me.nodes)
			if not runs or not mine:
				if response.status_code == 200 and not runs:
					probe.wrong.append(f"report {report} at {node}: expected refused, got 200")
				elif response.status_code not in (200, 403):
					probe.wrong.append(f"report {report} at {node}: got {response.status_code} {message(response)}")
			else:
				probe.decided(f"report {report} at {node}", True, response)
			if response.status_code != 200:
				continue
			result = response.json()["message"]
			places = {
				row.get(col["fieldname"]) if isinstance(row, dict) else None
				for col in result["columns"]
				if isinstance(col, dict) and col.get("fieldtype") == "Link" and col.get("options") == "Jurisdiction"
				for row in result["result"]
			} - {None, ""}
			foreign = {p for p in places if not any(covers(n, p) for n in me.nodes)}
			if foreign:
				probe.wrong.append(f"report {report} at {node}: rows of nodes outside the user's: {sorted(foreign)[:3]}")


# ------------------------------------------------------------------ the test


@pytest.mark.parametrize("who, role, node, every_probe", params())
def test_powers_held_at_a_node(world, live_server, http_login, who, role, node, every_probe):
	doctypes = app_doctypes()
	assert not set(doctypes) - set(PAYLOADS) - set(NOT_PROBED), "a DocType without a record to probe: add it to PAYLOADS"
	doctypes = [doctype for doctype in doctypes if doctype not in NOT_PROBED]
	user, password = pair_user(who, role, node, world)
	me = holder(user)
	assert (role, node) in me.held, f"{user} does not hold {role} at {node}"
	inside, outside = inside_and_outside(world, me, node)
	if not every_probe:
		doctypes = [doctype for doctype in doctypes if doctype in NODE_SAMPLE]
	for loc in (inside, outside):
		stock(loc, doctypes)
	probe = Probe(http_login(user, password), live_server)
	# reads change nothing: they run beside the writes, which run one at a time here (they make records)
	with ThreadPoolExecutor(max_workers=3) as readers:
		for doctype in doctypes:
			probe_doctype(probe, readers, me, doctype, inside, outside, every_probe, world)
		if every_probe:
			probe_reports(probe, me, node, outside.village)
		for future in probe.pending:
			future.result()  # a read that broke down fails the test
	print(f"\n{role}@{node}: {probe.calls} requests, {probe.spent:.1f}s")
	assert not probe.wrong, f"{user} ({role} at {node}):\n" + "\n".join(sorted(probe.wrong))


def probe_doctype(probe: Probe, readers, me: Holder, doctype: str, inside, outside, every_probe: bool, world) -> None:
	gone = [loc.records[doctype] for loc in (inside, outside) if not frappe.db.exists(doctype, loc.records[doctype])]
	if gone:  # deleted with another record by a delete the spec refuses
		probe.wrong.append(f"{doctype} {gone} no longer exists")
		return
	# a DocType of no node has one kind of record everywhere: the inside one stands for both
	places = (inside, outside) if belongs_to_node(doctype) or user_permission_places(frappe.get_doc(doctype, outside.records[doctype])) else (inside,)
	docs = [frappe.get_doc(doctype, loc.records[doctype]) for loc in places]
	names = [doc.name for doc in docs]
	read = lambda *args: probe.pending.append(readers.submit(*args))  # noqa: E731
	for doc, where in zip(docs, ("inside", "outside")):
		read(probe.status_of, f"{doctype} {where} get", expected(me, doc, "read"), "GET", f"/api/resource/{doctype}/{doc.name}")
	if not every_probe:
		return

	want_listed = {doc.name for doc in docs if listed(me, doc)}
	read(probe.same_as, f"{doctype} list", want_listed, listed_over_rest, doctype, names)

	may_export = bool(granted(doctype, "export") & me.roles)
	read(probe.same_as, f"{doctype} count", len(want_listed), counted, doctype, names)
	read(probe.same_as, f"{doctype} export", want_listed if may_export else set(), exported, doctype, names)
	searchable = {doc.name for doc in docs if listed(me, doc, select=True)}
	read(probe.same_as, f"{doctype} link search", searchable, searched, doctype, names)
	for doc, loc, where in zip(docs, places, ("inside", "outside")):
		view = {"doctype": doctype, "name": doc.name, "format": "Standard"}
		read(probe.status_of, f"{doctype} {where} print", expected(me, doc, "print"), "GET", "/printview", view)
		# a right no role of the user grants is refused before any node counts: probed inside only
		holds = lambda right: where == "inside" or bool(granted(doctype, right) & me.roles)  # noqa: E731
		url = f"/api/resource/{doctype}/{doc.name}"
		if holds("write"):
			probe.decided(f"{doctype} {where} update", expected(me, doc, "write"), probe.call("PUT", url, json={}))
		if holds("create"):
			probe_create(probe, world, me, doctype, loc, where)
		if holds("delete"):
			probe_delete(probe, world, me, doc, loc, where)


def probe_create(probe: Probe, world, me: Holder, doctype: str, loc, where: str) -> None:
	payload = PAYLOADS[doctype](loc)
	frappe.db.commit()  # what the payload made for itself (a grid, a supervision) is there for the server
	made = probe.call("POST", f"/api/resource/{doctype}", json=json.loads(json.dumps(payload, default=str)))
	if made.status_code == 200:
		world.created.append((doctype, made.json()["data"]["name"]))
	probe.decided(f"{doctype} {where} create", expected(me, as_made(payload), "create"), made)


def probe_delete(probe: Probe, world, me: Holder, doc, loc, where: str) -> None:
	"""A delete the spec allows is tried on a record made for it, so the shared ones stay."""
	victim = doc
	if expected(me, doc, "delete"):
		victim = frappe.get_doc(doc.doctype, insert(world, PAYLOADS[doc.doctype](loc)))
		frappe.db.commit()
	deleting = probe.call("DELETE", f"/api/resource/{doc.doctype}/{victim.name}")
	probe.decided(f"{doc.doctype} {where} delete", expected(me, victim, "delete"), deleting)


def test_a_node_made_under_an_officers_node_is_his_at_once():
	"""Frappe caches each user's nodes (a User Permission reaches the nodes under it) and NestedSet
	cleared that cache only for the user who made a node: a grid added to a village stayed invisible to
	the village's staff (and the matrix's Town Officer could not make a Grid Profile for a new grid)."""
	from xinqu_governance.tests.factories import make_jurisdiction

	tree = make_tree()
	staff = make_user_at("Village Staff", tree.village_a1, password=None, prefix="xq-matrix-cache")
	frappe.set_user(staff)
	assert frappe.has_permission("Jurisdiction", "read", doc=frappe.get_doc("Jurisdiction", tree.grid_a1))
	frappe.set_user("Administrator")
	grid = make_jurisdiction(unique("新网格"), "Grid", tree.village_a1)
	frappe.set_user(staff)
	assert frappe.has_permission("Jurisdiction", "read", doc=frappe.get_doc("Jurisdiction", grid))
