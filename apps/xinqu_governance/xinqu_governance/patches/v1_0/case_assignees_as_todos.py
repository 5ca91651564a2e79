"""Cases assigned before the assignee became a Frappe assignment get their open ToDo / `_assign`."""

from xinqu_governance.cases.assignment_todo import backfill_assignments


def execute():
	backfill_assignments()
