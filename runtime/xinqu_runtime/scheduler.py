"""Scheduler fact: monoframe's `schedule` process crashes.

`frappe/utils/scheduler.py` defines `enqueue_events` twice; the second (which enqueues due
Scheduled Job Types and needs a DB connection) replaces the first (which connects, then calls it),
so `start_scheduler()` runs the job loop with no connection. This loop calls
`enqueue_events_for_site()` (connect → enqueue due jobs → destroy), as Frappe's scheduler does
per site. The tick is `SCHEDULER_TICK` seconds (Frappe: scheduler_tick_interval, default 60).
It must run in the site folder, like the workers (queue names derive from the folder).
"""

import os
import time


def run_forever() -> None:
	from frappe.utils import scheduler

	tick = int(os.environ.get("SCHEDULER_TICK", "60"))
	while True:
		scheduler.enqueue_events_for_site()
		time.sleep(tick)
