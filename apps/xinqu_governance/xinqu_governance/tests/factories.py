"""Records the governance tests make for themselves: unique names, nothing shared between tests."""

import frappe
from frappe.utils import add_days, getdate


def unique(prefix: str) -> str:
	return f"{prefix}{frappe.generate_hash(length=8)}"


def make_jurisdiction(name: str, level: str, parent: str | None = None, **fields) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Jurisdiction",
			"jurisdiction_name": name,
			"level": level,
			"parent_jurisdiction": parent,
			**fields,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def make_tree() -> frappe._dict:
	"""A city → county → two towns; town A → villages A1, A2 → one grid each; town B → village B1.

	Names carry a random tag so every test has its own tree.
	"""
	tag = frappe.generate_hash(length=6)
	t = frappe._dict()
	t.city = make_jurisdiction(f"测试市{tag}", "City")
	t.county = make_jurisdiction(f"测试县{tag}", "County", t.city)
	t.town_a = make_jurisdiction(f"甲镇{tag}", "Town", t.county)
	t.town_b = make_jurisdiction(f"乙镇{tag}", "Town", t.county)
	t.village_a1 = make_jurisdiction(f"甲镇一村{tag}", "Village", t.town_a)
	t.village_a2 = make_jurisdiction(f"甲镇二村{tag}", "Village", t.town_a)
	t.village_b1 = make_jurisdiction(f"乙镇一村{tag}", "Village", t.town_b)
	t.grid_a1 = make_jurisdiction(f"甲镇一村{tag}第1网格", "Grid", t.village_a1)
	t.grid_a2 = make_jurisdiction(f"甲镇二村{tag}第1网格", "Grid", t.village_a2)
	t.grid_b1 = make_jurisdiction(f"乙镇一村{tag}第1网格", "Grid", t.village_b1)
	return t


def make_user(prefix: str = "xq-test", roles: tuple[str, ...] = ()) -> str:
	email = f"{unique(prefix)}@test.xinqu.example"
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": prefix,
			"send_welcome_email": 0,
			"roles": [{"role": role} for role in roles],
		}
	)
	user.flags.no_welcome_email = True
	user.insert(ignore_permissions=True)
	return user.name


def make_assignment(user: str, role: str, jurisdiction: str, valid_from=None, valid_to=None):
	return frappe.get_doc(
		{
			"doctype": "Jurisdiction Assignment",
			"user": user,
			"role": role,
			"jurisdiction": jurisdiction,
			"valid_from": valid_from or getdate(),
			"valid_to": valid_to,
		}
	).insert(ignore_permissions=True)


def days_from_today(days: int):
	return add_days(getdate(), days)


def user_roles(user: str) -> set[str]:
	return set(frappe.get_all("Has Role", filters={"parent": user, "parenttype": "User"}, pluck="role"))


def user_jurisdictions(user: str) -> set[str]:
	return set(
		frappe.get_all(
			"User Permission",
			filters={"user": user, "allow": "Jurisdiction", "apply_to_all_doctypes": 1},
			pluck="for_value",
		)
	)
