"""Governance Measures reads every period from the Measure Count summary: beside its month rows it
now holds a row per node, day and figure. Count both grains again from the cases on the site (the
month rows already there stay valid until then: the new `day` column is 0 on them; the rebuild keeps
them and writes the day rows), on the summary's new indexes (the report's, which replaces the former
one, and the rebuild's)."""

from xinqu_governance.cases.measure_counts import ensure_summary_index, rebuild_measure_counts


def execute():
	ensure_summary_index()
	rebuild_measure_counts()
