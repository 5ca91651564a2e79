"""Open cases made before `sla_check_at` existed are due for the SLA job once; its next run gives each
the moment it is next due (cases/sla_schedule.py). One UPDATE per case DocType; idempotent."""

from xinqu_governance.cases.sla_schedule import recheck_open_cases


def execute():
	recheck_open_cases()
