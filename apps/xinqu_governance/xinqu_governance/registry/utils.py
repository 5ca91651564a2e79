"""Small helpers of the Registry module: jurisdiction levels and ancestors, settings, phone numbers."""

import re

import frappe
from frappe import _

from xinqu_governance.governance.doctype.governance_settings.governance_settings import get_setting

LEVEL_CITY = "City"
LEVEL_COUNTY = "County"
LEVEL_TOWN = "Town"
LEVEL_VILLAGE = "Village"
LEVEL_GRID = "Grid"

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


class WrongJurisdictionLevelError(frappe.ValidationError):
	pass


class InvalidPhoneError(frappe.ValidationError):
	pass


def get_jurisdiction_level(jurisdiction: str | None) -> str | None:
	if not jurisdiction:
		return None
	return frappe.db.get_value("Jurisdiction", jurisdiction, "level")


def validate_jurisdiction_level(jurisdiction: str | None, levels: str | tuple, label: str) -> None:
	"""Throw unless ``jurisdiction`` is empty or a node of one of ``levels``."""
	if not jurisdiction:
		return
	levels = (levels,) if isinstance(levels, str) else tuple(levels)
	level = get_jurisdiction_level(jurisdiction)
	if level not in levels:
		frappe.throw(
			_("{0}: {1} is a node of level {2}, expected {3}.").format(
				_(label), jurisdiction, _(level or "?"), " / ".join(_(lv) for lv in levels)
			),
			WrongJurisdictionLevelError,
			title=_("Wrong Jurisdiction Level"),
		)


def get_ancestor_at_level(jurisdiction: str | None, level: str) -> str | None:
	"""The node of ``level`` that contains ``jurisdiction`` (the node itself if it has that level).

	Reads the nested set directly, without permission checks: used for messages about records the
	user may not be allowed to open.
	"""
	if not jurisdiction:
		return None
	node = frappe.db.get_value("Jurisdiction", jurisdiction, ["lft", "rgt"], as_dict=True)
	if not node:
		return None
	J = frappe.qb.DocType("Jurisdiction")
	rows = (
		frappe.qb.from_(J)
		.select(J.name)
		.where((J.level == level) & (J.lft <= node.lft) & (J.rgt >= node.rgt))
		.orderby(J.lft, order=frappe.qb.desc)
		.limit(1)
		.run()
	)
	return rows[0][0] if rows else None


def get_grid_settings() -> tuple[int, int]:
	"""(target households per grid, tolerance in percent): Governance Settings `grid_household_target`
	and `grid_household_tolerance_percent` (the text's 60, §11, and 25 %)."""
	return get_setting("grid_household_target"), get_setting("grid_household_tolerance_percent")


def get_household_band() -> tuple[int, int]:
	"""The inclusive (low, high) household counts of a grid within the tolerance of the target: every
	whole count n with |n - target| <= target x tolerance %. The one band every grid check, the Grid
	Coverage report and the settings form use."""
	target, tolerance_percent = get_grid_settings()
	# in hundredths, so that 60 x 25 % is 15 exactly and no float rounding moves a bound
	spread = target * tolerance_percent
	low = -((spread - target * 100) // 100)  # ceil(target - spread / 100)
	high = (target * 100 + spread) // 100  # floor(target + spread / 100)
	return max(low, 0), high


def band_status(count: int, band: tuple[int, int]) -> str:
	low, high = band
	if count < low:
		return "Below Band"
	if count > high:
		return "Above Band"
	return "Within Band"


def normalize_phone(phone: str | None) -> str:
	return re.sub(r"[\s()]", "", phone or "")


def is_valid_phone(phone: str | None) -> bool:
	phone = normalize_phone(phone)
	return bool(MOBILE_RE.match(phone) or LANDLINE_RE.match(phone))


def validate_phone(phone: str | None, label: str = "Phone") -> str:
	"""Return the normalised phone number, or throw if it is neither a mobile nor a landline number."""
	if not phone:
		return phone or ""
	normalized = normalize_phone(phone)
	if not is_valid_phone(normalized):
		frappe.throw(
			_(
				"{0}: {1} is neither an 11-digit mobile number nor a landline number such as 0972-8613552."
			).format(_(label), phone),
			InvalidPhoneError,
			title=_("Invalid Phone Number"),
		)
	return normalized


def check_derived_jurisdiction_permission(doc) -> None:
	"""Frappe checks the create permission before ``validate`` runs, i.e. before a derived
	``jurisdiction`` is known; check it again once it is, so that deriving cannot place a record
	outside the user's nodes."""
	if doc.flags.ignore_permissions or frappe.session.user == "Administrator":
		return
	ptype = "create" if doc.is_new() else "write"
	if not frappe.has_permission(doc.doctype, ptype, doc=doc):
		frappe.throw(
			_("You may not register {0} records in {1}.").format(_(doc.doctype), doc.jurisdiction),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def ensure_index(doctype: str, fields: list[str]) -> None:
	"""Add an index on ``fields`` unless one with these leading columns exists (v16 indexes
	``creation`` itself, v15 does not: a list sorted by an unindexed column was 22x slower)."""
	if frappe.db.db_type == "mariadb":
		rows = frappe.db.sql(f"show index from `tab{doctype}`", as_dict=True)
		indexes = {}
		for row in rows:
			indexes.setdefault(row.Key_name, []).append((row.Seq_in_index, row.Column_name))
		for columns in indexes.values():
			if [c for _seq, c in sorted(columns)][: len(fields)] == list(fields):
				return
	frappe.db.add_index(doctype, fields)


def analyze_tables(doctypes) -> None:
	"""Refresh the optimizer's statistics after a bulk load (MariaDB), so that scoped lists pick the
	sort index instead of sorting every row of the scope."""
	if frappe.db.db_type != "mariadb":
		return
	for doctype in doctypes:
		frappe.db.sql(f"analyze table `tab{doctype}`")


def now():
	return frappe.utils.now_datetime()
