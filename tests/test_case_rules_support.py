"""Records the case-rule tests make for themselves (no tests here).

`make_world()` builds a small district with its own random tag, shaped like the real one:

    市 city ─┬─ 平安 county_p ─── 镇 town_p ─┬─ 村 village_p1 ── grid_p1
             │                               └─ 村 village_p2
             └─ 互助 county_h ─── 镇 town_h ──── 村 village_h1 ── grid_h1

with a service station per village, a centre per town, a district centre and a leading group at
the city node, and per county a comprehensive unit, police, urban management and (平安 only) an
ethnic & religious affairs bureau. Each unit has one member taking cases, who is its supervisor
(幸福 station and 小峡 centre have two, the first the supervisor). Everything is rolled back after
the test (tests/frappe_site.py).
"""

import datetime
from contextlib import contextmanager
from unittest.mock import patch

import frappe
from xinqu_governance.cases import sla
from xinqu_governance.registry.citizen_id import make_citizen_id
from xinqu_governance.tests.factories import make_jurisdiction, make_user

from tests import case_factories
from tests.factories import make_user_at

T0 = datetime.datetime(2026, 3, 2, 9, 0, 0)  # a Monday morning; the tests' clock starts here


@contextmanager
def clock(moment: datetime.datetime):
	"""Every case rule reads time through `cases.sla.now`: hold it at `moment`."""
	with patch("xinqu_governance.cases.sla.now", return_value=moment):
		yield moment


def hours(n: float) -> datetime.timedelta:
	return datetime.timedelta(hours=n)


def make_unit(
	name, level, jurisdiction, *, department=None, members=1, method="Round Robin", prefix="xq-unit"
):
	"""The unit `name` with `members` new users taking its cases, the first its supervisor."""
	users = [make_user(prefix) for _ in range(members)]
	return case_factories.make_unit(
		level,
		jurisdiction,
		users,
		supervisor=users[0] if users else None,
		unit_name=name,
		department=department,
		assignment_method=method,
	)


def make_category(name: str, used_for: str | None = None) -> str:
	"""A Case Category for every case type, or (`used_for`) for that one."""
	uses = [{"case_type": used_for}] if used_for else []
	return (
		frappe.get_doc({"doctype": "Case Category", "category_name": name, "used_for": uses})
		.insert(ignore_permissions=True)
		.name
	)


RULE_DOCTYPES = ("SLA Rule", "Routing Rule", "Early Warning Rule")


def isolate_rules() -> None:
	"""Switch off every rule already on the site (e.g. the district profile's, committed by another
	test), inside the test's transaction: the test's own rules are then the only ones."""
	for doctype in RULE_DOCTYPES:
		rule = frappe.qb.DocType(doctype)
		frappe.qb.update(rule).set(rule.is_active, 0).where(rule.is_active == 1).run()


def make_world() -> frappe._dict:
	isolate_rules()
	tag = frappe.generate_hash(length=5)
	w = frappe._dict(tag=tag)
	w.city = make_jurisdiction(f"市{tag}", "City")
	w.county_p = make_jurisdiction(f"平安{tag}", "County", w.city)
	w.county_h = make_jurisdiction(f"互助{tag}", "County", w.city)
	w.town_p = make_jurisdiction(f"小峡{tag}", "Town", w.county_p)
	w.town_h = make_jurisdiction(f"高寨{tag}", "Town", w.county_h)
	w.village_p1 = make_jurisdiction(f"幸福{tag}", "Village", w.town_p)
	w.village_p2 = make_jurisdiction(f"和谐{tag}", "Village", w.town_p)
	w.village_h1 = make_jurisdiction(f"兴旺{tag}", "Village", w.town_h)
	w.grid_p1 = make_jurisdiction(f"幸福{tag}第1网格", "Grid", w.village_p1)
	w.grid_h1 = make_jurisdiction(f"兴旺{tag}第1网格", "Grid", w.village_h1)

	w.station_p1 = make_unit(f"幸福{tag}便民服务站", "Village", w.village_p1, members=2)
	w.station_p2 = make_unit(f"和谐{tag}便民服务站", "Village", w.village_p2)
	w.station_h1 = make_unit(f"兴旺{tag}便民服务站", "Village", w.village_h1)
	w.centre_p = make_unit(
		f"小峡{tag}综治信访服务中心", "Town", w.town_p, department="Comprehensive Governance", members=2
	)
	w.centre_h = make_unit(
		f"高寨{tag}综治信访服务中心", "Town", w.town_h, department="Comprehensive Governance"
	)
	w.district = make_unit(f"新区{tag}综治中心", "District", w.city, department="Comprehensive Governance")
	w.comprehensive_p = make_unit(
		f"平安{tag}县综治办", "County", w.county_p, department="Comprehensive Governance"
	)
	w.comprehensive_h = make_unit(
		f"互助{tag}县综治办", "County", w.county_h, department="Comprehensive Governance"
	)
	w.police_p = make_unit(f"平安{tag}县公安局", "County", w.county_p, department="Public Security")
	w.police_h = make_unit(f"互助{tag}县公安局", "County", w.county_h, department="Public Security")
	w.urban_p = make_unit(f"平安{tag}县城管局", "County", w.county_p, department="Urban Management")
	w.religion_p = make_unit(
		f"平安{tag}县民宗局", "County", w.county_p, department="Ethnic and Religious Affairs"
	)
	w.leading_group = make_unit(f"市{tag}领导小组", "City", w.city)

	w.neighbours = make_category(f"邻里纠纷{tag}", "Dispute")
	w.public_order = make_category(f"治安{tag}")
	w.urban = make_category(f"城市管理{tag}")
	w.mosque = make_category(f"宗教场所{tag}")
	return w


def members(unit: str) -> list[str]:
	return frappe.get_all(
		"Handling Unit Member",
		filters={"parent": unit, "parenttype": "Handling Unit"},
		order_by="idx asc",
		pluck="user",
	)


def make_sla_rule(world, case_doctype="Dispute", **fields) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "SLA Rule",
				"rule_name": f"SLA {frappe.generate_hash(length=8)}",
				"case_doctype": case_doctype,
				"resolution_hours": 72,
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_routing_rule(territory, handling_level, *, assisting=(), **fields) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Routing Rule",
				"rule_name": f"Route {frappe.generate_hash(length=8)}",
				"territory": territory,
				"handling_level": handling_level,
				"assisting_units": [{"handling_unit": unit} for unit in assisting],
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_dispute(jurisdiction, *, parties=(), **fields):
	"""A dispute reported now by the tests' clock (unless `reported_on` is given)."""
	values = {
		"subject": "邻里纠纷",
		"how_found": "Visit",
		"parties": [{"party_name": f"当事人{i}", "citizen_id": number} for i, number in enumerate(parties)],
		**fields,
		"reported_on": fields.get("reported_on") or sla.now(),
	}
	return case_factories.make_case("Dispute", jurisdiction, **values)


def make_petition(jurisdiction, *, id_number=None, **fields):
	"""A petition received now by the tests' clock (unless `reported_on` is given)."""
	values = {
		"subject": "来访反映问题",
		"channel": "Visit",
		"content": "反映拆迁安置问题",
		"petitioner_name": "信访人",
		"petitioner_id_number": id_number,
		**fields,
		"reported_on": fields.get("reported_on") or sla.now(),
	}
	return case_factories.make_case("Petition", jurisdiction, **values)


def citizen_number(sequence: int) -> str:
	return make_citizen_id(
		"632121", datetime.date(1980, 1, 1) + datetime.timedelta(days=sequence % 9000), sequence
	)


def make_officer(role: str, node: str) -> str:
	"""A user holding `role` at `node` (no password: the case-rule tests do not log in)."""
	return make_user_at(role, node, password=None, prefix="xq-officer")
