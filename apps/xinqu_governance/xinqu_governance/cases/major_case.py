"""Major cases (重大案件): disputes and emergency incidents count the people involved; from 100 people up
the case is major, and a major case is closed only with an approved social stability risk assessment
(Guiding Opinions §4)."""

from xinqu_governance.cases.doctype.stability_risk_assessment.stability_risk_assessment import (
	require_risk_assessment,
)
from xinqu_governance.cases.workflow_guard import MAJOR_CASE_BANDS, people_band


class MajorCaseMixin:
	"""For case DocTypes with `people_involved`, `people_band`, `is_major_case` and `risk_assessment`."""

	def set_people_band(self):
		"""Band of the people involved; more than 100 people make a major case."""
		self.people_band = people_band(self.people_involved)
		if self.people_band in MAJOR_CASE_BANDS:
			self.is_major_case = 1

	def require_risk_assessment_if_major(self):
		"""Call when the case is being closed: a major case needs its approved assessment."""
		if self.is_major_case:
			self.risk_assessment = require_risk_assessment(self.doctype, self.name)
