"""户籍随房走 (Guiding Opinions §9): a household's hukou address follows its dwelling, and 农转非 is a
sequence of dated steps whose last one decides the hukou status."""

import frappe
import pytest
from frappe.utils import add_days, today
from xinqu_governance.registry.hukou import HukouConversionError

from tests.factories import make_building, make_compound, make_household, make_jurisdiction_tree


@pytest.fixture
def tree():
	return make_jurisdiction_tree()


def test_the_hukou_address_moves_with_the_dwelling(tree):
	compound = make_compound(tree.village_a1)
	building = make_building(compound, "3", floors=6, units=2, per_floor=2)
	household = make_household(tree.village_a1, members=2, dwelling=f"{building}-2-502")
	first = f"{tree.village_a1}{compound}3号楼2单元502室"
	assert household.hukou_address == first

	household.dwelling = f"{building}-1-101"
	household.save(ignore_permissions=True)
	second = f"{tree.village_a1}{compound}3号楼1单元101室"
	assert frappe.db.get_value("Household", household.name, "hukou_address") == second
	notes = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Household", "reference_name": household.name, "comment_type": "Info"},
		pluck="content",
	)
	assert any(first in note and second in note for note in notes), notes

	# a hukou address typed by hand gives way to the dwelling's
	household.hukou_address = "别处"
	household.save(ignore_permissions=True)
	assert household.hukou_address == second


def test_a_household_without_a_dwelling_keeps_the_address_entered(tree):
	household = make_household(tree.village_a1, members=1, hukou_address="幸福村12号")
	assert frappe.db.get_value("Household", household.name, "hukou_address") == "幸福村12号"


def steps(household, *rows):
	household.set("hukou_conversion_steps", [])
	for step, days_ago, *reference in rows:
		household.append(
			"hukou_conversion_steps",
			{
				"step": step,
				"step_date": add_days(today(), -days_ago),
				"reference": reference[0] if reference else None,
				"authority": "平安县公安局" if reference else None,
			},
		)
	household.save(ignore_permissions=True)
	return household


def test_the_hukou_status_follows_the_dated_steps(tree):
	household = make_household(tree.village_a1, members=2, hukou_status="Agricultural")
	assert steps(household, ("Applied", 40)).hukou_status == "Conversion in Progress"
	household = steps(household, ("Applied", 40), ("Approved", 30, "平公户〔2026〕12号"))
	assert (household.hukou_status, household.hukou_conversion_date) == ("Conversion in Progress", None)
	household = steps(
		household, ("Applied", 40), ("Approved", 30, "平公户〔2026〕12号"), ("Completed", 10, "平公户〔2026〕12号")
	)
	assert household.hukou_status == "Converted to Non-agricultural"
	assert str(household.hukou_conversion_date) == add_days(today(), -10)

	# refused, then applied again: back to agricultural, then in progress
	household = steps(household, ("Applied", 40), ("Not Approved", 30, "平公户〔2026〕13号"))
	assert (household.hukou_status, household.hukou_conversion_date) == ("Agricultural", None)
	household = steps(household, ("Applied", 40), ("Not Approved", 30, "平公户〔2026〕13号"), ("Applied", 5))
	assert household.hukou_status == "Conversion in Progress"


@pytest.mark.parametrize(
	"rows, message",
	[
		((("Approved", 5, "文号"),), "cannot follow"),
		((("Applied", 10), ("Completed", 5, "文号")), "cannot follow"),
		((("Applied", 10), ("Approved", 5)), "reference"),
		((("Applied", 10), ("Approved", 20, "文号")), "before"),
		((("Applied", -1),), "future"),
	],
)
def test_steps_out_of_order_undated_or_unreferenced_are_refused(tree, rows, message):
	household = make_household(tree.village_a1, members=1)
	with pytest.raises(HukouConversionError, match=message):
		steps(household, *rows)
	assert frappe.db.get_value("Household", household.name, "hukou_status") == "Agricultural"


def test_a_non_agricultural_household_has_no_conversion(tree):
	household = make_household(tree.village_a1, members=1, hukou_status="Non-agricultural")
	with pytest.raises(HukouConversionError):
		steps(household, ("Applied", 3))
