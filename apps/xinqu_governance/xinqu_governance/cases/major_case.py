"""Major cases (重大案件): disputes and emergency incidents count the people involved in bands; from more
than 100 people the case is major, and a major case is closed only with an approved social stability
risk assessment (Guiding Opinions §4).

The bounds of the bands (50 / 100 / 500) and the major-case threshold (100) are Governance Settings,
read by `people_band_bounds` and `major_case_people`. The bands' labels (the Select options of
`people_band`) name the text's numbers and stay as they are when the settings change.
"""

from frappe.utils import cint

from xinqu_governance.cases.doctype.stability_risk_assessment.stability_risk_assessment import (
	require_risk_assessment,
)
from xinqu_governance.governance.doctype.governance_settings.governance_settings import (
	PEOPLE_BAND_FIELDS,
	get_setting,
)

# The labels of the bands, lowest first: under bound 1, bound 1 to bound 2, above bound 2 to bound 3,
# over bound 3 (a band's upper bound is included in it).
PEOPLE_BAND_LABELS = ("Under 50", "50 to 100", "100 to 500", "Over 500")


def people_band_bounds() -> tuple[int, int, int]:
	"""The three increasing bounds of the people bands (the text's 50, 100, 500)."""
	return tuple(get_setting(fieldname) for fieldname in PEOPLE_BAND_FIELDS)


def major_case_people() -> int:
	"""A case involving more than this many people is major (the text's 100)."""
	return get_setting("major_case_people")


def people_band(people: int | None) -> str | None:
	"""The reporting band of a number of people involved (None when not counted)."""
	people = cint(people)
	if people <= 0:
		return None
	first, second, third = people_band_bounds()
	if people < first:
		return PEOPLE_BAND_LABELS[0]
	if people <= second:
		return PEOPLE_BAND_LABELS[1]
	if people <= third:
		return PEOPLE_BAND_LABELS[2]
	return PEOPLE_BAND_LABELS[3]


def is_major_case(people: int | None) -> bool:
	return cint(people) > major_case_people()


class MajorCaseMixin:
	"""For case DocTypes with `people_involved`, `people_band`, `is_major_case` and `risk_assessment`."""

	def set_people_band(self):
		"""Band of the people involved; more than the major-case threshold makes a major case."""
		self.people_band = people_band(self.people_involved)
		if is_major_case(self.people_involved):
			self.is_major_case = 1

	def require_risk_assessment_if_major(self):
		"""Call when the case is being closed: a major case needs its approved assessment."""
		if self.is_major_case:
			self.risk_assessment = require_risk_assessment(self.doctype, self.name)
