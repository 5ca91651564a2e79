"""Governance Measures reads whole months from the Measure Count summary: count it once from the
cases already on the site (afterwards the case lifecycle keeps it, and a daily job rebuilds it)."""

from xinqu_governance.cases.measure_counts import rebuild_measure_counts


def execute():
	rebuild_measure_counts()
