"""Open cases left with nobody assigned before the profile staffed every handling unit get their
assignee now (cases/assignment.py `assign_unowned_open_cases`)."""

from xinqu_governance.cases.assignment import assign_unowned_open_cases


def execute():
	assign_unowned_open_cases()
