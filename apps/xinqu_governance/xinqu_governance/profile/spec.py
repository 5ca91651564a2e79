"""Which DocTypes a profile holds, which of their fields, and in which order they are applied."""

from dataclasses import dataclass

from xinqu_governance.governance.doctype.jurisdiction.jurisdiction import LEVELS

# Kept out of profile files: bookkeeping that differs from site to site.
NOISE_FIELDS = frozenset(
	{
		"name",
		"doctype",
		"owner",
		"creation",
		"modified",
		"modified_by",
		"idx",
		"docstatus",
		"parent",
		"parentfield",
		"parenttype",
		"lft",
		"rgt",
		"old_parent",
		"_user_tags",
		"_comments",
		"_assign",
		"_liked_by",
		"_seen",
	}
)

# Keys a profile document may carry that are used on insert only and never compared.
INSERT_ONLY_KEYS = frozenset({"new_password"})


@dataclass(frozen=True)
class DocTypeSpec:
	doctype: str
	rank: int
	# None: every value field of the DocType (Frappe's own layout-free field list) but `exclude`
	fields: tuple[str, ...] | None = None
	exclude: tuple[str, ...] = ()
	# identify an existing record by these fields instead of by name (auto-named DocTypes)
	key_fields: tuple[str, ...] | None = None
	# child tables whose row order carries no meaning (compared and written sorted)
	unordered_tables: tuple[str, ...] = ()


SINGLE_RANK = 50  # settings: after assignments, before other fixtures
OTHER_RANK = 60

SPECS = {
	spec.doctype: spec
	for spec in (
		DocTypeSpec("Role", rank=0),
		DocTypeSpec("Workflow State", rank=10),
		DocTypeSpec("Workflow Action Master", rank=10),
		DocTypeSpec("Jurisdiction", rank=20, exclude=("is_group",)),
		DocTypeSpec(
			"User",
			rank=30,
			fields=(
				"email",
				"first_name",
				"middle_name",
				"last_name",
				"enabled",
				"user_type",
				"language",
				"time_zone",
				"mobile_no",
				"roles",
			),
			unordered_tables=("roles",),
		),
		DocTypeSpec(
			"Jurisdiction Assignment",
			rank=40,
			exclude=("is_active",),
			key_fields=("user", "role", "jurisdiction", "valid_from"),
		),
		DocTypeSpec("System Settings", rank=50, fields=("language", "time_zone", "country")),
		DocTypeSpec("Governance Settings", rank=50),
		# before the fixtures that link to a case type (Case Category's used_for)
		DocTypeSpec("Case Type", rank=55),
		# runtime state, not configuration: where round-robin assignment got to
		DocTypeSpec("Handling Unit", rank=OTHER_RANK, exclude=("last_assigned_user",)),
		DocTypeSpec("Workflow", rank=70),
		DocTypeSpec("Print Format", rank=80),
	)
}


def get_spec(doctype: str, is_single: bool = False) -> DocTypeSpec:
	if doctype in SPECS:
		return SPECS[doctype]
	return DocTypeSpec(doctype, rank=SINGLE_RANK if is_single else OTHER_RANK)


def apply_order_key(doc: dict, is_single: bool, sequence: int) -> tuple:
	"""Roles, workflow states/actions, jurisdictions (parents first), users, assignments, settings,
	case types, other fixtures, workflows, print formats; otherwise in file order."""
	spec = get_spec(doc["doctype"], is_single)
	level = doc.get("level")
	within = LEVELS.index(level) if doc["doctype"] == "Jurisdiction" and level in LEVELS else 0
	return (spec.rank, within, sequence)
