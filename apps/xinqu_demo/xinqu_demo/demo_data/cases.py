"""Demo cases: a seeded, believable case load of the last ~90 days for the demo district (all people
are the registry's invented demo residents; every story is marked 示例数据 in its text).

``ensure_demo_cases(seed=20151109)`` reads from the database the profile's villages, the demo
residents living in them (``demo_data.registry``), their organisations, the handling units and the
users holding governance roles, and for each village with residents plays through:

- disputes (矛盾纠纷) of the categories the guidance names — neighbours, marriage and family, land,
  wages, property management, resettlement — between demo residents (or a resident and the compound's
  property company, the village committee, an employer), mostly two to a few people, a few large
  ones; most concluded at village level, some escalated to the town and on to the district through
  the workflow, some still in mediation, a few withdrawn; a few pairs of residents in dispute again
  within 30 days (the repeated-party early warning), and, once: a resettlement dispute of 150
  households (major case) closed with an approved social stability risk assessment, two disputes
  of 50+ people, cases left unaccepted, in mediation past their deadline, at town and district;
- petitions (信访件) by channel received at the town window — most replied and closed — with two
  group petitions (集体访), one petitioner coming back four times, one skip-level visit to the
  county, a case turned away as a matter for the courts, and a few past their deadlines;
- service requests (便民服务) at the village windows, most done at once or within three days, some
  transferred to the town, a few refused or withdrawn, one stuck in progress;
- grid events reported by the grid workers of the grids, resolved on site, verified and resolved,
  dispatched to the county departments, dismissed, and triaged (``xinqu_governance.cases.triage``) into disputes,
  petitions and service requests;
- one emergency incident (a gas leak, 80 people evacuated) and one yellow-card supervision (督办) of
  an unaccepted dispute by the town officer.

Every document is made by its controller as the user who would do it: ``insert()`` and
``frappe.model.workflow.apply_workflow`` as the village staff, town officer, county officer or grid
worker holding the role at that place, so the workflow's level rules, routing, assignment, SLA
deadlines and early warnings apply exactly as in use. The profile staffs every village, town and
county (and every handling unit); only on a site where an administrator removed someone holding a
role a case needs is a demo staff user created with a Jurisdiction Assignment
(``village.staff.<hash>@demo.xinqu.example``, ``town.officer.…``, ``county.officer.…``; no password,
no handling-unit membership). A risk assessment is approved by the person its review unit assigned
it to (``Assignee``).

History: the stories are played now, in the order of their planned times, then dated back with
UPDATEs (no controller runs): every timestamp a story stamped (``creation``, ``modified``,
``state_entered_on``, ``closed_on``, ``accepted_on``, ``replied_on``, ``triaged_on``,
``approved_on``, ``issued_on`` …, of the cases, their rows, their Versions, Comments, Early Warnings
and Notification Logs) is moved to the planned time of the step that stamped it; a
``resolution_due`` computed at a step moves with it (``reported_on`` and what was computed from it
are planned already), and a closed case's SLA status is re-read as the SLA rule reads it (Met when
closed by its deadline). Then the SLA job runs once (``escalation.run_sla_job``), so what is overdue
now is marked, escalated or warned about by the real job.

Idempotent: each story carries its key (e.g. ``〔示例数据 D-0001〕``) in its first document's text and
is committed on its own; a story whose key exists is skipped, so a second call writes nothing (and
an interrupted run continues where it stopped). The number of stories follows the number of
villages with residents (about 45 cases per village).
"""

# ruff: noqa: RUF001, RUF002 (the sample texts are Chinese prose with Chinese punctuation)

import datetime
import hashlib
import random
import re
import time
from collections import Counter, defaultdict

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import get_datetime, getdate, now_datetime

from xinqu_governance.cases import sla
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.cases.measure_counts import rebuild_measure_counts
from xinqu_governance.cases.sla_schedule import recheck_open_cases
from xinqu_governance.cases.triage import triage_grid_event
from xinqu_governance.governance.access import active_on
from xinqu_demo.demo_data.registry import ensure_demo_user, seat_three_in_one

DEFAULT_SEED = 20151109  # the date the Haidong HSR New District was approved
HISTORY_DAYS = 90
STAFF_DOMAIN = "demo.xinqu.example"
STAFF_SINCE = datetime.date(2015, 1, 9)

VILLAGE_STAFF = "Village Staff"
TOWN_OFFICER = "Town Officer"
COUNTY_OFFICER = "County Officer"
GRID_WORKER = "Grid Worker"

# the text field of each case type that carries a story's key
MARK_FIELD = {
	"Dispute": "description",
	"Petition": "content",
	"Service Request": "request_details",
	"Grid Event": "description",
	"Stability Risk Assessment": "assessment",
	"Emergency Incident": "description",
}
MARK_PATTERN = re.compile(r"〔示例数据 ([A-Z]+-\d+)〕")

# a village is played when at least this many adults live in it (not just a few floating households)
MIN_ADULTS = 30
# per village played
DISPUTES_PER_VILLAGE = 15
PETITIONS_PER_VILLAGE = 5
SERVICE_REQUESTS_PER_VILLAGE = 12
GRID_EVENTS_PER_VILLAGE = 8

# datetime fields that hold planned values (never stamped by a step), left as they are
PLANNED_FIELDS = {
	"reported_on",
	"response_due",
	"resolution_due",
	"deadline",
	"occurred_on",
	"session_on",
	"logged_on",
}
# documents that belong to a case's history: (doctype, field naming the case type, field naming the case)
HISTORY_DOCTYPES = (
	("Version", "ref_doctype", "docname"),
	("Comment", "reference_doctype", "reference_name"),
	("Early Warning", "case_doctype", "case_name"),
	("Notification Log", "document_type", "document_name"),
	("Workflow Action", "reference_doctype", "reference_name"),
)


def ensure_demo_cases(seed: int = DEFAULT_SEED) -> dict:
	"""Create the demo cases once (see the module docstring). Returns what it did."""
	started = time.monotonic()
	user = frappe.session.user
	summary = {"seed": seed, "created": {}, "skipped_stories": 0, "errors": []}
	try:
		world = load_world()
		if not world.villages:
			summary["skipped"] = "no village has demo residents (run demo_data.registry first)"
			return summary
		if not frappe.db.exists("Workflow", {"document_type": "Dispute", "is_active": 1}):
			summary["skipped"] = "the district profile (case workflows) is not applied"
			return summary
		summary["staff_created"] = ensure_staff(world, seed)
		# the staff now hold the village seats of 三位一体 (§27(2))
		summary["three_in_one_bodies_seated"] = seat_three_in_one()
		if summary["staff_created"] or summary["three_in_one_bodies_seated"]:
			frappe.db.commit()
		load_actors(world)

		now = now_datetime()
		stories = Planner(world, random.Random(seed), now).plan()
		done = existing_story_keys()
		created = Counter()
		for story in sorted(stories, key=lambda s: (s.t0, s.key)):
			if story.key in done:
				summary["skipped_stories"] += 1
				continue
			play = Play(story)
			try:
				play.run()
				play.backdate()
				frappe.db.commit()
			except Exception:
				frappe.db.rollback()
				summary["errors"].append(f"{story.key}: {frappe.get_traceback().strip().splitlines()[-1]}")
				continue
			finally:
				frappe.set_user(user)
			created.update(doctype for doctype, _name in play.docs)
		summary["created"] = dict(sorted(created.items()))
		summary["stories"] = len(stories)

		if created:
			recheck_open_cases()  # the stories moved their cases in time: each is due for the job once
			job = run_sla_job()
			frappe.db.commit()
			summary["sla_job"] = {
				"overdue": job.overdue,
				"due_soon": job.due_soon,
				"escalated": len(job.escalated),
				"warnings": len(job.warnings),
			}
			# the backdating moved the cases' dates by direct writes: Governance Measures' summary
			# is counted again from them
			summary["measure_counts"] = rebuild_measure_counts()
		summary["totals"] = totals()
	finally:
		frappe.set_user(user)
	summary["seconds"] = round(time.monotonic() - started, 1)
	return summary


def totals() -> dict:
	result = {doctype: frappe.db.count(doctype) for doctype in (*MARK_FIELD, "Supervision", "Early Warning")}
	result["overdue_open"] = sum(
		frappe.db.count(
			doctype, {"sla_status": sla.OVERDUE, "closed_on": ("is", "not set"), "is_withdrawn": 0}
		)
		for doctype in MARK_FIELD
	)
	return result


def existing_story_keys() -> set[str]:
	keys = set()
	for doctype, fieldname in MARK_FIELD.items():
		for text in frappe.get_all(doctype, filters={fieldname: ("like", "%〔示例数据 %")}, pluck=fieldname):
			keys.update(MARK_PATTERN.findall(text or ""))
	return keys


# ------------------------------------------------------------------------------------------------
# The world: villages, residents, organisations, units and who holds which role where


def load_world() -> frappe._dict:
	nodes = {
		row.name: row
		for row in frappe.get_all("Jurisdiction", fields=["name", "level", "parent_jurisdiction"])
	}

	def ancestor(node: str | None, level: str) -> str | None:
		while node and node in nodes:
			if nodes[node].level == level:
				return node
			node = nodes[node].parent_jurisdiction
		return None

	R = frappe.qb.DocType("Resident")
	H = frappe.qb.DocType("Household")
	D = frappe.qb.DocType("Dwelling")
	B = frappe.qb.DocType("Building")
	U = frappe.qb.DocType("Building Unit")
	adult_born_by = datetime.date(getdate().year - 20, 1, 1)
	rows = (
		frappe.qb.from_(R)
		.left_join(H)
		.on(H.name == R.household)
		.left_join(D)
		.on(D.name == H.dwelling)
		.left_join(B)
		.on(B.name == D.building)
		.left_join(U)
		.on(U.name == D.building_unit)
		.select(
			R.name,
			R.full_name,
			R.citizen_id,
			R.phone,
			R.household,
			R.jurisdiction.as_("node"),
			H.compound,
			B.building_number.as_("building"),
			U.unit_number.as_("unit"),
		)
		.where(R.birth_date <= adult_born_by)
		.orderby(R.name)
		.run(as_dict=True)
	)
	villages = {}
	for person in rows:
		village = ancestor(person.node, "Village")
		if not village:
			continue
		person.village = village
		if village not in villages:
			town = ancestor(village, "Town")
			villages[village] = frappe._dict(
				name=village,
				town=town,
				county=ancestor(town, "County"),
				people=[],
				households=defaultdict(list),
				buildings=defaultdict(list),
				grids=set(),
			)
		entry = villages[village]
		entry.people.append(person)
		if person.household:
			entry.households[person.household].append(person)
		if person.compound:
			entry.buildings[(person.compound, person.building)].append(person)
		if nodes[person.node].level == "Grid":
			entry.grids.add(person.node)

	organisations = frappe.get_all(
		"Organisation",
		filters={"org_type": ("in", ["Property Company", "Village Committee"])},
		fields=["organisation_name", "org_type", "jurisdiction", "compound"],
		order_by="name asc",
	)
	property_company = {}
	committee = {}
	for org in organisations:
		if org.org_type == "Property Company" and org.compound:
			property_company.setdefault(org.compound, org.organisation_name)
		elif org.org_type == "Village Committee":
			committee.setdefault(org.jurisdiction, org.organisation_name)

	town_units = {
		row.jurisdiction: row.name
		for row in frappe.get_all(
			"Handling Unit",
			filters={"level": "Town", "is_active": 1},
			fields=["name", "jurisdiction"],
			order_by="name desc",
		)
	}
	return frappe._dict(
		nodes=nodes,
		villages=[villages[name] for name in sorted(villages) if len(villages[name].people) >= MIN_ADULTS],
		property_company=property_company,
		committee=committee,
		town_units=town_units,
	)


def holders(role: str) -> dict[str, str]:
	"""{node: user} of the active assignments of `role`, the earliest assignment of a node first."""
	assignment = frappe.qb.DocType("Jurisdiction Assignment")
	result = {}
	for row in (
		frappe.qb.from_(assignment)
		.select(assignment.user, assignment.jurisdiction)
		.where((assignment.role == role) & active_on(assignment))
		.orderby(assignment.creation)
		.orderby(assignment.name)
		.run(as_dict=True)
	):
		result.setdefault(row.jurisdiction, row.user)
	return result


def ensure_staff(world, seed: int) -> int:
	"""A demo staff user holding the role where the cases need one and the profile has nobody."""
	needed = []
	for village in world.villages:
		needed.append((VILLAGE_STAFF, village.name, "village.staff"))
	for town in sorted({v.town for v in world.villages if v.town}):
		needed.append((TOWN_OFFICER, town, "town.officer"))
	for county in sorted({v.county for v in world.villages if v.county}):
		needed.append((COUNTY_OFFICER, county, "county.officer"))
	created = 0
	held = {role: holders(role) for role in (VILLAGE_STAFF, TOWN_OFFICER, COUNTY_OFFICER)}
	for role, node, prefix in needed:
		if held[role].get(node):
			continue
		email = f"{prefix}.{hashlib.sha1(node.encode()).hexdigest()[:10]}@{STAFF_DOMAIN}"
		ensure_demo_user(email, random.Random(f"{seed}:{node}:{role}"))
		frappe.get_doc(
			{
				"doctype": "Jurisdiction Assignment",
				"user": email,
				"role": role,
				"jurisdiction": node,
				"valid_from": STAFF_SINCE,
			}
		).insert(ignore_permissions=True)
		created += 1
	return created


def load_actors(world) -> None:
	staff, officers, county = holders(VILLAGE_STAFF), holders(TOWN_OFFICER), holders(COUNTY_OFFICER)
	workers = holders(GRID_WORKER)
	for village in world.villages:
		village.staff = staff.get(village.name)
		village.officer = officers.get(village.town)
		village.county_officer = county.get(village.county)
		village.workers = {grid: workers[grid] for grid in sorted(village.grids) if grid in workers}
		# grids of the village with a grid worker but no residents (the profile's own grids)
		village.empty_grids = {
			node: user
			for node, user in sorted(workers.items())
			if node not in village.grids
			and world.nodes.get(node)
			and world.nodes[node].parent_jurisdiction == village.name
		}
	# a village is played only when someone can work its cases
	world.villages = [v for v in world.villages if v.staff and v.officer and v.county_officer]


# ------------------------------------------------------------------------------------------------
# Playing a story now and dating it back


class Ref:
	"""A document made earlier in the same story (its name is known only when it is played)."""

	def __init__(self, ref: str):
		self.ref = ref


class Assignee:
	"""The user a step's document is assigned to when the step is played (known only then), or
	`fallback` when it is assigned to nobody."""

	def __init__(self, fallback: str):
		self.fallback = fallback


class Play:
	"""Plays one story's steps as their users, then moves what they stamped to the planned times."""

	def __init__(self, story):
		self.story = story
		self.points = []  # (actual time, planned time) at the start of each step
		self.docs = []  # (doctype, name) made by the story
		self.refs = {}

	def run(self) -> None:
		for step in self.story.steps:
			frappe.set_user(self.user_of(step))
			self.points.append((now_datetime(), step.at))
			getattr(self, f"do_{step.kind}")(step)

	def user_of(self, step) -> str:
		if not isinstance(step.user, Assignee):
			return step.user
		made = self.refs[step.ref]
		return frappe.db.get_value(made.doctype, made.name, "assigned_to") or step.user.fallback

	def resolve(self, value):
		if isinstance(value, Ref):
			return self.refs[value.ref].name
		if isinstance(value, dict):
			return {key: self.resolve(item) for key, item in value.items()}
		if isinstance(value, list):
			return [self.resolve(item) for item in value]
		return value

	def doc(self, ref: str):
		made = self.refs[ref]
		return frappe.get_doc(made.doctype, made.name)

	def keep(self, ref: str, doc) -> None:
		self.refs[ref] = frappe._dict(doctype=doc.doctype, name=doc.name)
		self.docs.append((doc.doctype, doc.name))

	def do_insert(self, step) -> None:
		self.keep(step.ref, frappe.get_doc(self.resolve(step.payload)).insert())

	def do_save(self, step) -> None:
		doc = self.doc(step.ref)
		payload = self.resolve(step.payload)
		for table, rows in payload.pop("append", {}).items():
			for row in rows:
				doc.append(table, row)
		for table, rows in payload.pop("update_rows", {}).items():
			for row, values in zip(doc.get(table), rows, strict=False):
				row.update(values)
		doc.update(payload)
		doc.save()

	def do_action(self, step) -> None:
		apply_workflow(self.doc(step.ref), step.payload)

	def do_triage(self, step) -> None:
		made = triage_grid_event(
			self.refs[step.ref].name, step.payload["target"], self.resolve(step.payload["values"])
		)
		self.keep(step.payload["as"], frappe.get_doc(made["doctype"], made["name"]))

	# -------------------------------------------------------------------------------------------- dating back

	def planned(self, value):
		"""The planned time of a value stamped during the story (None for values it did not stamp)."""
		value = get_datetime(value)
		if value < self.points[0][0]:
			return None
		for actual, planned in reversed(self.points):
			if value >= actual:
				return planned + (value - actual)
		return None

	def backdate(self) -> None:
		self.finished = now_datetime()
		for doctype, name in self.docs:
			self.backdate_doc(doctype, name)
			for table, type_field, name_field in HISTORY_DOCTYPES:
				if not frappe.db.table_exists(table):
					continue
				for row in frappe.get_all(
					table,
					filters={type_field: doctype, name_field: name, "creation": (">=", self.points[0][0])},
					fields=["name", "creation", "modified"],
				):
					self.update(table, row)

	def update(self, doctype: str, row, fields=("creation", "modified")) -> None:
		changes = {}
		for fieldname in fields:
			if row.get(fieldname):
				moved = self.planned(row[fieldname])
				if moved:
					changes[fieldname] = moved
		self.write(doctype, row.name, changes)

	@staticmethod
	def write(doctype: str, name: str, changes: dict) -> None:
		if not changes:
			return
		table = frappe.qb.DocType(doctype)
		query = frappe.qb.update(table)
		for fieldname, value in changes.items():
			query = query.set(table[fieldname], value)
		query.where(table.name == name).run()

	def backdate_doc(self, doctype: str, name: str) -> None:
		meta = frappe.get_meta(doctype)
		stamped = ["creation", "modified"] + [
			df.fieldname
			for df in meta.fields
			if df.fieldtype == "Datetime" and df.fieldname not in PLANNED_FIELDS
		]
		extra = [
			f for f in ("resolution_due", "sla_status", "is_withdrawn", "reply_due") if meta.has_field(f)
		]
		row = frappe.db.get_value(doctype, name, ["name", *stamped, *extra], as_dict=True)
		changes = {}
		for fieldname in stamped:
			if row.get(fieldname):
				moved = self.planned(row[fieldname])
				if moved:
					changes[fieldname] = moved
		if row.get("resolution_due"):
			# due = (moment of the step that set it) + the rule's hours: moves with that moment
			due = get_datetime(row.resolution_due)
			for rule in sla.active_sla_rules(doctype):
				moment = sla.hours_after(due, -float(rule.resolution_hours or 0))
				if self.points[0][0] <= moment <= self.finished:
					changes["resolution_due"] = due + (self.planned(moment) - moment)
					break
		closed_on = changes.get("closed_on") or row.get("closed_on")
		if closed_on and meta.has_field("sla_status") and not row.get("is_withdrawn"):
			due = changes.get("resolution_due") or row.get("resolution_due")
			status = sla.MET if not due or get_datetime(closed_on) <= get_datetime(due) else sla.OVERDUE
			if status != row.sla_status:
				changes["sla_status"] = status
		if doctype == "Petition" and row.get("accepted_on") and "accepted_on" in changes:
			# the reply deadline (the SLA's, counted from acceptance) moves with the acceptance
			if row.reply_due:
				moved_by = frappe.utils.date_diff(getdate(changes["accepted_on"]), getdate(row.accepted_on))
				changes["reply_due"] = frappe.utils.add_days(getdate(row.reply_due), moved_by)
		self.write(doctype, name, changes)

		for df in meta.get_table_fields():
			child_meta = frappe.get_meta(df.options)
			child_fields = ["creation", "modified"] + [
				f.fieldname
				for f in child_meta.fields
				if f.fieldtype == "Datetime" and f.fieldname not in PLANNED_FIELDS
			]
			for child in frappe.get_all(
				df.options,
				filters={"parent": name, "parenttype": doctype, "parentfield": df.fieldname},
				fields=["name", *child_fields],
			):
				self.update(df.options, child, child_fields)


# ------------------------------------------------------------------------------------------------
# Planning (all random choices are made here, before anything is played)


class Story:
	"""A story's steps as offsets in hours; `build` turns them into times no later than `latest`."""

	def __init__(self, key: str, t0: datetime.datetime):
		self.key = key
		self.t0 = t0
		self.raw = []  # [hours after t0, user, kind, ref, payload]
		self.hours = 0.0
		self.marked = False

	def step(self, after_hours: float, user: str, kind: str, ref: str, payload) -> "Story":
		self.hours += max(after_hours, 0.0)
		if kind == "insert" and not self.marked and payload["doctype"] in MARK_FIELD:
			field = MARK_FIELD[payload["doctype"]]
			payload[field] = f"{payload.get(field) or ''}\n〔示例数据 {self.key}〕".lstrip()
			self.marked = True
		self.raw.append([self.hours, user, kind, ref, payload])
		return self

	def insert(self, after, user, ref, payload):
		return self.step(after, user, "insert", ref, payload)

	def act(self, after, user, ref, action, **changes):
		if changes:
			self.step(after, user, "save", ref, changes)
			after = 0.05
		return self.step(after, user, "action", ref, action)

	def save(self, after, user, ref, **changes):
		return self.step(after, user, "save", ref, changes)

	def build(self, latest: datetime.datetime) -> frappe._dict:
		span = self.hours
		room = (latest - self.t0).total_seconds() / 3600
		factor = min(1.0, room / span) if span > 0 else 1.0
		steps = [
			frappe._dict(
				at=self.t0 + datetime.timedelta(hours=hours * factor),
				user=user,
				kind=kind,
				ref=ref,
				payload=payload,
			)
			for hours, user, kind, ref, payload in self.raw
		]
		for step in steps:
			# a mediation session recorded with a save took place half an hour before it
			if step.kind == "save":
				for row in step.payload.get("append", {}).get("mediation_sessions", []):
					row.setdefault("session_on", step.at - datetime.timedelta(minutes=30))
		return frappe._dict(key=self.key, t0=self.t0, steps=steps)


class Planner:
	def __init__(self, world, rng: random.Random, now: datetime.datetime):
		self.world = world
		self.rng = rng
		self.now = now
		self.latest = now - datetime.timedelta(minutes=10)
		self.counter = Counter()
		self.stories = []
		self.focus = self.pick_focus()

	def pick_focus(self):
		"""The village whose staff is a profile user (the one a visitor logs in as), else the first."""
		for village in self.world.villages:
			if not village.staff.endswith(STAFF_DOMAIN):
				return village
		return self.world.villages[0]

	# ---------------------------------------------------------------------------- helpers

	def story(self, prefix: str, t0: datetime.datetime) -> Story:
		self.counter[prefix] += 1
		story = Story(f"{prefix}-{self.counter[prefix]:04d}", t0)
		self.stories.append(story)
		return story

	def ago(self, days: float) -> datetime.datetime:
		return (self.now - datetime.timedelta(days=days)).replace(microsecond=0)

	def between(self, low_days: float, high_days: float) -> datetime.datetime:
		return self.ago(self.rng.uniform(low_days, high_days))

	def hours(self, low: float, high: float) -> float:
		return round(self.rng.uniform(low, high), 2)

	def days(self, low: float, high: float) -> float:
		return self.hours(low * 24, high * 24)

	def village(self):
		"""A village, the more people live there the likelier."""
		return self.rng.choices(self.world.villages, weights=[len(v.people) for v in self.world.villages])[0]

	def person(self, village, exclude=()):
		for _ in range(20):
			person = self.rng.choice(village.people)
			if person.name not in exclude:
				return person
		return village.people[0]

	def neighbour(self, village, person):
		same = [
			p
			for p in village.buildings.get((person.compound, person.building), [])
			if p.household != person.household
		]
		if not same:
			same = [
				p for p in village.people if p.compound == person.compound and p.household != person.household
			]
		return self.rng.choice(same) if same else self.person(village, {person.name})

	def relative(self, village, person):
		family = [p for p in village.households.get(person.household, []) if p.name != person.name]
		return self.rng.choice(family) if family else None

	def place(self, person) -> str:
		"""Where the person lives: compound, building and stairwell (单元)."""
		if person.compound and person.building:
			unit = f"{person.unit}单元" if person.unit else ""
			return f"{person.compound}{person.building}号楼{unit}"
		return person.compound or person.village

	def dispute_place(self, category: str, person, respondent: dict) -> str:
		"""Where a dispute of the category happens (the location early-warning rule counts by it)."""
		if category == "土地纠纷":
			return f"原{person.village}{self.rng.randint(1, 6)}社耕地"
		if category == "劳资纠纷":
			return f"{respondent['party_name']}用工场地"
		if category == "物业管理":
			return person.compound or person.village
		return self.place(person)

	def weighted(self, options: dict):
		return self.rng.choices(list(options), weights=list(options.values()))[0]

	@staticmethod
	def party(person, role="Applicant") -> dict:
		return {
			"resident": person.name,
			"party_name": person.full_name,
			"citizen_id": person.citizen_id,
			"phone": person.phone,
			"party_role": role,
		}

	@staticmethod
	def named_party(name: str, role="Respondent") -> dict:
		return {"party_name": name, "party_role": role}

	# ---------------------------------------------------------------------------- the plan

	def plan(self) -> list[frappe._dict]:
		villages = len(self.world.villages)
		for _ in range(DISPUTES_PER_VILLAGE * villages):
			self.plan_dispute(self.village())
		for _ in range(max(1, round(villages * 0.6))):
			self.plan_repeated_disputes(self.village())
		self.plan_special_disputes()
		for _ in range(PETITIONS_PER_VILLAGE * villages):
			self.plan_petition(self.village())
		self.plan_special_petitions()
		for _ in range(SERVICE_REQUESTS_PER_VILLAGE * villages):
			self.plan_service_request(self.village())
		self.plan_service_request(self.focus, flow="stuck")
		for _ in range(GRID_EVENTS_PER_VILLAGE * villages):
			self.plan_grid_event(self.village())
		self.plan_special_events()
		self.plan_incident()
		return [story.build(self.latest) for story in self.stories]

	# ---------------------------------------------------------------------------- disputes

	def dispute_matter(self, village, category=None, people=None):
		"""(category, subject, description, parties, people involved, location, node)."""
		category = category or self.weighted(DISPUTE_CATEGORY_WEIGHTS)
		a = self.person(village)
		respondent = None
		if category == "邻里纠纷":
			respondent = self.party(self.neighbour(village, a), "Respondent")
		elif category in ("婚姻家庭", "拆迁安置") and (relative := self.relative(village, a)):
			respondent = self.party(relative, "Respondent")
		elif category == "土地纠纷" and self.rng.random() < 0.7:
			respondent = self.party(self.person(village, {a.name}), "Respondent")
		elif category == "劳资纠纷":
			respondent = self.named_party(self.rng.choice(EMPLOYERS))
		elif category == "物业管理":
			respondent = self.named_party(
				self.world.property_company.get(a.compound) or f"{a.compound or village.name}物业服务有限公司"
			)
		if respondent is None:
			respondent = self.named_party(
				self.world.committee.get(village.name) or f"{village.name}村民委员会"
			)
		if people is None:
			people = self.rng.choices(*PEOPLE_INVOLVED[category])[0]
			people = self.rng.randint(*people)
		subject, description = self.rng.choice(DISPUTE_TEXTS[category])
		values = {
			"a": a.full_name,
			"b": respondent["party_name"],
			"n": people,
			"village": village.name,
			"compound": a.compound or village.name,
			"bld": a.building or "1",
		}
		return frappe._dict(
			category=category,
			subject=subject.format(**values),
			description=description.format(**values),
			parties=[self.party(a), respondent],
			people=max(people, 2),
			location=self.dispute_place(category, a, respondent),
			node=a.node,
			fill=values,
		)

	def plan_dispute(self, village, flow=None, t0=None, matter=None, story=None):
		flow = flow or self.weighted(DISPUTE_FLOWS)
		ages = DISPUTE_AGES[flow]
		t0 = t0 or self.between(*ages)
		matter = matter or self.dispute_matter(village)
		story = story or self.story("D", t0)
		ref = f"d{len(story.raw)}"
		at_town = flow in ("town_direct",)
		story.insert(
			(t0 - story.t0).total_seconds() / 3600 - story.hours if story.raw else 0,
			village.officer if at_town else village.staff,
			ref,
			{
				"doctype": "Dispute",
				"subject": matter.subject,
				"how_found": "Transferred In" if at_town else self.weighted(HOW_FOUND),
				"occurred_on": getdate(t0 - datetime.timedelta(days=self.rng.randint(0, 5))),
				"location": matter.location,
				"people_involved": matter.people,
				"description": matter.description,
				"parties": matter.parties,
				"mediation_type": "People's Mediation",
				"jurisdiction": matter.node,
				"category": matter.category,
				"reported_on": t0,
			},
		)
		self.play_dispute_flow(story, village, ref, flow, matter)
		return story

	def play_dispute_flow(self, story, village, ref, flow, matter):
		staff, officer = village.staff, village.officer
		if flow in ("reported", "overdue_reported"):
			return
		if flow == "withdrawn":
			if self.rng.random() < 0.5:
				story.act(self.hours(2, 30), staff, ref, "Withdraw")
			else:
				story.act(self.hours(2, 20), staff, ref, "Accept")
				story.act(self.days(1, 5), staff, ref, "Withdraw")
			return
		if flow == "town_direct":
			story.act(self.hours(1, 20), officer, ref, "Accept at Town")
			story.save(
				self.days(1, 4),
				officer,
				ref,
				append={"mediation_sessions": [self.session(officer, "Continued")]},
			)
			self.close(story, officer, ref, matter, self.days(2, 10))
			return
		story.act(self.hours(1, 20), staff, ref, "Accept")
		if flow == "village_concluded":
			if self.rng.random() < 0.4:
				story.save(
					self.days(0.5, 3),
					staff,
					ref,
					append={"mediation_sessions": [self.session(staff, "Continued")]},
				)
			self.close(story, staff, ref, matter, self.days(0.5, 5), outcomes=VILLAGE_OUTCOMES)
			return
		if flow == "village_open":
			if self.rng.random() < 0.5:
				story.save(
					self.days(0.2, 3),
					staff,
					ref,
					append={"mediation_sessions": [self.session(staff, "Continued")]},
				)
			return
		if flow == "overdue_village":
			story.save(
				self.days(2, 4), staff, ref, append={"mediation_sessions": [self.session(staff, "Continued")]}
			)
			return
		# escalated to the town
		failed = self.session(
			staff,
			"Mediation Failed",
			"村调委会两次组织调解，双方分歧较大，调解未成，报请镇综治信访服务中心调处。",
		)
		story.act(self.days(2, 8), staff, ref, "Escalate to Town", append={"mediation_sessions": [failed]})
		if flow == "town_concluded":
			self.close(story, officer, ref, matter, self.days(2, 11))
		elif flow == "town_court":
			self.close(story, officer, ref, matter, self.days(2, 10), outcome="Referred to Court")
		elif flow in ("district_open", "district_stale"):
			story.act(
				self.days(3, 10),
				officer,
				ref,
				"Escalate to District",
				case_owner=officer,
				append={
					"mediation_sessions": [
						self.session(officer, "Continued", "镇级调解未果，涉及政策解释，报新区综治中心。")
					]
				},
			)

	def session(self, mediator, result, summary=None) -> dict:
		return {  # session_on: set when the story is timed (`Story.build`)
			"mediation_type": "People's Mediation",
			"mediator": mediator,
			"result": result,
			"summary": summary or self.rng.choice(SESSION_SUMMARIES),
		}

	def close(self, story, user, ref, matter, after, outcome=None, outcomes=None):
		outcome = outcome or self.weighted(outcomes or OUTCOMES)
		satisfaction = {
			"Agreement": {"Satisfied": 7, "Basically Satisfied": 3},
			"Partial Agreement": {"Basically Satisfied": 6, "Dissatisfied": 4},
			"Mediation Failed": {"Dissatisfied": 6, "Basically Satisfied": 4},
			"Referred to Court": {"Basically Satisfied": 5, "Dissatisfied": 5},
		}[outcome]
		changes = {
			"outcome": outcome,
			"append": {"mediation_sessions": [self.session(user, SESSION_RESULT[outcome])]},
			"update_rows": {
				"parties": [{"satisfaction": self.weighted(satisfaction)} for _ in matter.parties]
			},
		}
		if outcome in ("Agreement", "Partial Agreement"):
			changes["agreement_text"] = self.rng.choice(AGREEMENTS[matter.category]).format(
				**matter.fill, money=self.rng.randrange(8, 120) * 100
			)
			changes["agreement_fulfilment"] = self.weighted(
				{"Fulfilled": 6, "In Fulfilment": 3, "Partially Fulfilled": 1}
			)
		story.act(after, user, ref, "Close Case", **changes)

	def plan_repeated_disputes(self, village):
		"""The same two residents in dispute again within 30 days (the repeated-party early warning)."""
		category = self.rng.choice(["邻里纠纷", "邻里纠纷", "婚姻家庭"])
		first = self.dispute_matter(village, category)
		t0 = self.between(20, 80)
		story = self.story("D", t0)
		times = [t0]
		for _ in range(self.rng.choice((1, 1, 2))):
			times.append(times[-1] + datetime.timedelta(days=self.rng.uniform(6, 13)))
		for number, when in enumerate(times):
			matter = first if number == 0 else self.repeat_of(village, first)
			last = number == len(times) - 1
			flow = "village_open" if last and (self.now - when).days < 4 else "village_concluded"
			if last and flow == "village_concluded" and self.rng.random() < 0.4:
				flow = "town_concluded"
			self.plan_dispute(village, flow=flow, t0=when, matter=matter, story=story)

	def repeat_of(self, village, first):
		subject, description = self.rng.choice(REPEAT_TEXTS)
		values = dict(first.fill)
		return frappe._dict(
			first,
			subject=subject.format(**values),
			description=description.format(**values),
			parties=[dict(row) for row in first.parties],
		)

	def plan_special_disputes(self):
		focus = self.focus
		others = [v for v in self.world.villages if v is not focus] or [focus]
		# not accepted: one a day past the deadline, one past it by more than three days (and supervised)
		self.plan_dispute(others[0], flow="overdue_reported", t0=self.ago(1.4))
		supervised = self.plan_dispute(focus, flow="overdue_reported", t0=self.ago(4.6))
		supervised.insert(
			4 * 24 + 12,  # the town officer notices it on the fifth day
			focus.officer,
			"sup",
			{
				"doctype": "Supervision",
				"kind": "Yellow Card",
				"case_doctype": "Dispute",
				"case_name": Ref("d0"),
				"deadline": self.now + datetime.timedelta(days=3),
				"instruction": "该纠纷登记已逾4日仍未受理，违反“24小时内受理”要求，亮黄牌督办：请于3日内受理调处并书面报告进展。",
			},
		)
		# in mediation at the village past the 10 days, and at the town past the 15 days (the SLA job escalates them)
		self.plan_dispute(focus, flow="overdue_village", t0=self.ago(12.5))
		self.plan_dispute(others[-1], flow="overdue_village", t0=self.ago(13.2))
		story = self.story("D", self.ago(21))
		matter = self.dispute_matter(focus, "土地纠纷")
		self.plan_dispute(focus, flow="village_open", t0=story.t0, matter=matter, story=story)
		story.act(3 * 24, focus.staff, "d0", "Escalate to Town")
		# at the district: two on track, one past the district's 20 days
		self.plan_dispute(focus, flow="district_open", t0=self.ago(16))
		self.plan_dispute(others[0], flow="district_open", t0=self.ago(24))
		self.plan_dispute(others[-1], flow="district_stale", t0=self.ago(40))
		for _ in range(2):
			self.plan_dispute(self.village(), flow="reported", t0=self.ago(self.rng.uniform(0.05, 0.7)))
		# large ones: 60 workers' wages (at the town, open), 85 owners against the property company
		wages = self.dispute_matter(focus, "劳资纠纷", people=60)
		wages.subject = f"{wages.fill['a']}等60名农民工追讨工程款"
		self.plan_dispute(focus, flow="open_town_large", t0=self.ago(9), matter=wages)
		owners_village = others[0]
		owners = self.dispute_matter(owners_village, "物业管理", people=85)
		self.plan_dispute(owners_village, flow="town_concluded", t0=self.ago(55), matter=owners)
		self.plan_major_dispute(focus)

	def plan_major_dispute(self, village):
		"""150 households against the resettlement office: escalated to the town, assessed (社会稳定风险
		评估, approved by the county), closed with the assessment, then followed up."""
		matter = self.dispute_matter(village, "拆迁安置", people=150)
		committee = self.world.committee.get(village.name) or f"{village.name}村民委员会"
		matter.parties = [matter.parties[0], self.named_party(committee)]
		matter.fill["b"] = committee
		matter.subject = f"{village.name}150户安置户过渡费及面积差价集体纠纷"
		matter.description = (
			f"{village.name}150户安置户对过渡安置费发放标准和安置房面积差价结算有异议，"
			f"推选{matter.fill['a']}等代表多次到村委会反映，情绪较为激烈。"
		)
		matter.location = f"{village.name}村委会"
		t0 = self.ago(31)
		story = self.story("D", t0)
		self.plan_dispute(village, flow="village_open", t0=t0, matter=matter, story=story)
		officer = village.officer
		story.act(
			24,
			village.staff,
			"d0",
			"Escalate to Town",
			append={
				"mediation_sessions": [
					self.session(
						village.staff, "Continued", "村两委召开安置户代表座谈会，涉及补偿政策，报镇里调处。"
					)
				]
			},
		)
		unit = self.world.town_units.get(village.town)
		assessed_from = t0 + datetime.timedelta(hours=story.hours + 2 * 24)
		story.insert(
			2 * 24,
			officer,
			"sra",
			{
				"doctype": "Stability Risk Assessment",
				"subject": f"{matter.subject}社会稳定风险评估",
				"subject_type": "Major Case",
				"reference_doctype": "Dispute",
				"reference_name": Ref("d0"),
				"risk_field": "Resettlement",
				"jurisdiction": village.town,
				"assessment": "涉及150户安置户，诉求集中在过渡费标准和面积差价，存在集体上访风险；"
				"经走访安置户代表、听取村两委和国土、财政部门意见，评估为中风险。",
				"reported_on": assessed_from,
			},
		)
		measure = {
			"risk_level": "Medium",
			"measure": "由镇综治信访服务中心牵头，逐户核对过渡费发放台账和面积差价，公开结算依据，十日内答复代表。",
			"responsible_unit": unit,
			"responsible_user": officer,
			"due_date": getdate(t0 + datetime.timedelta(days=20)),
			"status": "Under Way",
		}
		story.act(
			2 * 24, officer, "sra", "Submit for Review", risk_level="Medium", append={"measures": [measure]}
		)
		story.act(
			3 * 24,
			Assignee(village.county_officer),
			"sra",
			"Approve",
			approval_remarks="同意评估结论和化解措施，由镇里包案落实。",
		)
		self.close(story, officer, "d0", matter, 5 * 24, outcome="Agreement")
		story.act(
			24,
			officer,
			"sra",
			"Start Follow-up",
			follow_up_notes="过渡费已补发到户，面积差价结算结果已张榜公示，继续跟踪。",
		)

	# ---------------------------------------------------------------------------- petitions

	def petition_values(self, village, person, category=None, channel=None, people=1) -> dict:
		category = category or self.weighted(PETITION_CATEGORY_WEIGHTS)
		subject, content = self.rng.choice(PETITION_TEXTS[category])
		fill = {
			"compound": person.compound or village.name,
			"bld": person.building or "1",
			"village": village.name,
		}
		channel = channel or self.weighted(CHANNELS)
		return {
			"doctype": "Petition",
			"subject": subject.format(**fill),
			"channel": channel,
			"intake_window": INTAKE_WINDOWS[channel].format(town=village.town),
			"content": content.format(**fill),
			"petitioner": person.name,
			"petitioner_name": person.full_name,
			"petitioner_id_number": person.citizen_id,
			"petitioner_phone": person.phone,
			"people_count": people,
			"jurisdiction": person.node,
			"category": category,
			"handling_level": "Town",
		}

	def plan_petition(self, village, flow=None, t0=None, values=None, story=None, ref="p0"):
		flow = flow or self.weighted(PETITION_FLOWS)
		if values is None:
			person = self.person(village)
			values = self.petition_values(
				village, person, category="涉法涉诉" if flow == "not_accepted" else None
			)
			if values["category"] == "涉法涉诉" and flow in ("concluded", "replied", "assigned", "accepted"):
				flow = "not_accepted"  # a matter for the courts is turned away with the reason
		t0 = t0 or self.between(*PETITION_AGES[flow])
		story = story or self.story("P", t0)
		insert_after = (t0 - story.t0).total_seconds() / 3600 - story.hours if story.raw else 0
		officer = village.county_officer if values.get("handling_level") == "County" else village.officer
		story.insert(insert_after, officer, ref, {**values, "reported_on": t0})
		self.play_petition_flow(story, officer, ref, flow, values)
		return story

	def play_petition_flow(self, story, officer, ref, flow, values):
		if flow in ("registered", "overdue_registered"):
			return
		if flow == "not_accepted":
			story.act(self.days(1, 6), officer, ref, "Refuse to Accept", reply=LAW_REPLY)
			return
		if flow == "withdrawn":
			story.act(self.days(0.5, 4), officer, ref, "Withdraw")
			return
		story.act(self.days(0.3, 5), officer, ref, "Accept")
		if flow == "accepted":
			return
		story.act(self.days(0, 1.5), officer, ref, "Assign to Unit")
		if flow in ("assigned", "overdue_assigned"):
			return
		reply = self.rng.choice(PETITION_REPLIES[values["category"]])
		story.act(self.days(4, 25), officer, ref, "Send Reply", reply=reply)
		if flow == "replied":
			return
		satisfaction = self.weighted({"Satisfied": 6, "Basically Satisfied": 3, "Dissatisfied": 1})
		if flow == "concluded_dissatisfied":
			satisfaction = "Dissatisfied"
		story.act(self.days(1, 6), officer, ref, "Close Case", satisfaction=satisfaction)

	def plan_special_petitions(self):
		focus = self.focus
		others = [v for v in self.world.villages if v is not focus] or [focus]
		# one petitioner coming back four times about the same flat (repeat-petition warning from the third)
		person = self.person(focus)
		t0 = self.ago(82)
		story = self.story("P", t0)
		base = self.petition_values(focus, person, category="拆迁安置", channel="Visit")
		base.update(
			subject="反映安置房面积认定不公",
			content=f"信访人{person.full_name}反映其家庭原有房屋面积认定偏少，所分安置房面积不足，要求重新丈量认定。",
		)
		for number, (when, flow) in enumerate(
			[
				(t0, "concluded_dissatisfied"),
				(self.ago(52), "concluded_dissatisfied"),
				(self.ago(24), "assigned"),
				(self.ago(3), "registered"),
			]
		):
			values = dict(base, subject=base["subject"] if number == 0 else f"再次{base['subject']}")
			if number:
				values["previous_petition"] = Ref(f"p{number - 1}")
				values["content"] = f"{base['content']}对上次答复不满意，再次来访。"
			self.plan_petition(focus, flow=flow, t0=when, values=values, story=story, ref=f"p{number}")
		# group petitions (集体访)
		for village, people, category, flow, age in (
			(focus, 18, "拆迁安置", "concluded", 35),
			(others[0], 26, "劳资纠纷", "assigned", 12),
		):
			leader = self.person(village)
			values = self.petition_values(village, leader, category=category, channel="Visit", people=people)
			values["subject"] = f"{people}人集体反映{values['subject'].removeprefix('反映')}"
			self.plan_petition(village, flow=flow, t0=self.ago(age), values=values)
		# a skip-level visit to the county (越级访), accepted by the county
		village = others[-1]
		values = self.petition_values(village, self.person(village), category="土地纠纷", channel="Visit")
		values.update(handling_level="County", petitioned_at_level="County", intake_window="县信访局接待大厅")
		self.plan_petition(village, flow="accepted", t0=self.ago(6), values=values)
		# past the 15 days for accepting, and past the 60 days for replying
		self.plan_petition(focus, flow="overdue_registered", t0=self.ago(17))
		self.plan_petition(others[0], flow="overdue_registered", t0=self.ago(22))
		self.plan_petition(others[-1], flow="overdue_assigned", t0=self.ago(66))

	# ---------------------------------------------------------------------------- service requests

	def plan_service_request(self, village, flow=None):
		flow = flow or self.weighted(SERVICE_FLOWS)
		t0 = self.ago(4.6) if flow == "stuck" else self.between(*SERVICE_AGES[flow])
		person = self.person(village)
		service_type = self.weighted(SERVICE_TYPE_WEIGHTS)
		subject, details = self.rng.choice(SERVICE_TEXTS[service_type])
		story = self.story("S", t0)
		staff, officer = village.staff, village.officer
		story.insert(
			0,
			staff,
			"s",
			{
				"doctype": "Service Request",
				"subject": subject,
				"service_type": service_type,
				"window_number": f"{self.rng.randint(1, 3)}号窗口",
				"applicant": person.name,
				"applicant_name": person.full_name,
				"applicant_id_number": person.citizen_id,
				"applicant_phone": person.phone,
				"request_details": details.format(name=person.full_name),
				"jurisdiction": person.node,
				"reported_on": t0,
			},
		)
		result = self.rng.choice(SERVICE_RESULTS)
		if flow == "at_once":
			story.act(self.hours(0.2, 3), staff, "s", "Complete Request", result=result)
		elif flow == "handled":
			story.act(self.hours(0.2, 2), staff, "s", "Start Handling")
			story.act(self.days(0.5, 2.4), staff, "s", "Complete Request", result=result)
		elif flow == "town":
			story.act(self.hours(1, 20), staff, "s", "Transfer to Town")
			story.act(
				self.days(0.8, 2.5),
				officer,
				"s",
				"Complete Request",
				result="镇便民服务大厅已办结。" + result,
			)
		elif flow == "refused":
			story.act(self.hours(0.5, 24), staff, "s", "Refuse", result=self.rng.choice(REFUSALS))
		elif flow in ("in_progress", "stuck"):
			story.act(self.hours(0.2, 2), staff, "s", "Start Handling")
		elif flow == "withdrawn":
			story.act(self.hours(1, 24), staff, "s", "Withdraw")

	# ---------------------------------------------------------------------------- grid events

	def plan_grid_event(self, village, flow=None, t0=None, grid=None, worker=None):
		if not village.workers and not grid:
			return
		flow = flow or self.weighted(EVENT_FLOWS)
		t0 = t0 or self.between(*EVENT_AGES[flow])
		if not grid:
			grid, worker = self.rng.choice(sorted(village.workers.items()))
		residents = [p for p in village.people if p.node == grid]
		person = self.rng.choice(residents) if residents else None
		kind = EVENT_KIND_OF_FLOW.get(flow) or self.weighted(EVENT_TYPE_WEIGHTS)
		if not person and kind not in ("Hazard", "Urban Management"):
			kind = "Hazard"  # nobody lives on the grid yet: a place, not a person
		texts = WELFARE_EVENT_TEXTS if flow == "to_service" else EVENT_TEXTS[kind]
		category, subject, description = self.rng.choice(texts)
		fill = {
			"compound": person.compound if person and person.compound else village.name,
			"bld": person.building if person and person.building else "1",
			"village": village.name,
			"a": person.full_name if person else "",
			"b": self.neighbour(village, person).full_name if person else "",
		}
		description = description.format(**fill)
		values = {
			"doctype": "Grid Event",
			"subject": subject.format(**fill),
			"event_type": kind,
			"location": f"{fill['compound']}{fill['bld']}号楼"
			if person and person.compound
			else f"{village.name}村委会广场",
			"description": description,
			"jurisdiction": grid,
			"category": category,
			"reported_on": t0,
		}
		if person and kind in ("Dispute Lead", "Public Opinion"):
			values.update(resident=person.name, contact_name=person.full_name, contact_phone=person.phone)
		story = self.story("E", t0)
		staff, county = village.staff, village.county_officer
		story.insert(0, worker, "e", values)
		if flow in ("reported", "overdue_reported"):
			return
		if flow == "on_site":
			story.act(self.hours(0.2, 3), worker, "e", "Resolve on Site")
			return
		if flow == "withdrawn":
			story.act(self.hours(0.5, 5), worker, "e", "Withdraw")
			return
		story.act(self.hours(0.5, 10), staff, "e", "Verify Event")
		if flow == "verified":
			return
		if flow == "verified_resolved":
			story.act(self.days(0.3, 2), staff, "e", "Resolve")
		elif flow == "dismissed":
			story.act(self.hours(0.5, 12), staff, "e", "Dismiss")
		elif flow in ("dispatched", "dispatched_open"):
			story.act(self.hours(0.5, 8), staff, "e", "Dispatch to Department")
			if flow == "dispatched":
				story.act(self.days(0.5, 2.5), county, "e", "Resolve")
		elif flow == "to_dispute" and person:
			other = self.neighbour(village, person)
			story.step(
				self.hours(0.5, 8),
				staff,
				"triage",
				"e",
				{
					"target": "Dispute",
					"as": "d",
					"values": {
						"subject": values["subject"],
						"description": description,
						"parties": [self.party(person), self.party(other, "Respondent")],
						"people_involved": 2,
						"mediation_type": "People's Mediation",
					},
				},
			)
			story.act(self.hours(0.5, 6), staff, "d", "Accept")
			if self.rng.random() < 0.75 and (self.now - t0).days > 3:
				matter = frappe._dict(
					category=category,
					parties=[1, 2],
					fill={**fill, "a": person.full_name, "b": other.full_name},
				)
				self.close(story, staff, "d", matter, self.days(0.5, 4), outcomes=VILLAGE_OUTCOMES)
		elif flow == "to_petition" and person:
			reply = self.rng.choice(PETITION_REPLIES.get(category) or PETITION_REPLIES["物业管理"])
			story.step(
				self.hours(0.5, 8),
				staff,
				"triage",
				"e",
				{
					"target": "Petition",
					"as": "p",
					"values": {
						"channel": "Visit",
						"petitioner_id_number": person.citizen_id,
						"content": description,
					},
				},
			)
			story.act(self.hours(1, 24), staff, "p", "Accept")
			story.act(self.hours(0.5, 12), staff, "p", "Assign to Unit")
			if (self.now - t0).days > 6:
				story.act(self.days(2, 5), staff, "p", "Send Reply", reply=reply)
				story.act(self.days(0.5, 2), staff, "p", "Close Case", satisfaction="Satisfied")
		elif flow == "to_service" and person:
			story.step(
				self.hours(0.5, 8),
				staff,
				"triage",
				"e",
				{
					"target": "Service Request",
					"as": "s",
					"values": {
						"service_type": "Civil Affairs Relief",
						"subject": "申请临时救助",
						"request_details": description,
						"applicant_id_number": person.citizen_id,
					},
				},
			)
			if (self.now - t0).days > 2:
				story.act(
					self.hours(2, 30),
					staff,
					"s",
					"Complete Request",
					result="已入户核实，发放临时救助金800元。",
				)

	def plan_special_events(self):
		focus = self.focus
		# the profile's own grid worker: a few events on his grid (no residents there yet)
		for grid, worker in sorted(focus.empty_grids.items())[:1]:
			for flow, age in (("on_site", 20), ("dispatched", 11), ("reported", 0.2)):
				self.plan_grid_event(focus, flow=flow, t0=self.ago(age), grid=grid, worker=worker)
		if focus.workers:
			self.plan_grid_event(focus, flow="overdue_reported", t0=self.ago(2.2))

	# ---------------------------------------------------------------------------- the emergency incident

	def plan_incident(self):
		focus = self.focus
		village = next((v for v in self.world.villages if v.town == focus.town and v is not focus), focus)
		person = self.person(village)
		place = self.place(person)
		t0 = self.ago(27)
		story = self.story("I", t0)
		unit = self.world.town_units.get(village.town)
		log = [
			("接报后镇应急小组、派出所、燃气公司赶赴现场，疏散单元住户80人至小区广场。", 0.6),
			("燃气公司关闭单元总阀，排查确认为三楼住户私接软管老化破裂。", 1.5),
			("更换管线、入户检测合格后恢复供气，组织住户返家，无人员伤亡。", 6),
		]
		story.insert(
			0,
			village.staff,
			"i",
			{
				"doctype": "Emergency Incident",
				"subject": f"{place}燃气泄漏，疏散住户80人",
				"kind": "Work Safety",
				"occurred_on": t0 - datetime.timedelta(minutes=25),
				"location": place,
				"people_involved": 80,
				"description": f"{place}三单元住户闻到浓烈燃气味，楼栋长报告后村里拨打119并上报镇里。",
				"contingency_plan": "按照《新区燃气安全事故应急预案》启动三级响应。",
				"jurisdiction": person.node,
				"reported_on": t0,
			},
		)
		story.act(0.4, village.officer, "i", "Respond")
		rows = [
			{
				"logged_on": t0 + datetime.timedelta(hours=hours),
				"action_taken": text,
				"unit": unit,
				"logged_by": village.officer,
			}
			for text, hours in log
		]
		story.act(6, village.officer, "i", "Contain", append={"response_log": rows})
		story.act(16, village.officer, "i", "Close Case")


# ------------------------------------------------------------------------------------------------
# Distributions and texts (sample data)

DISPUTE_CATEGORY_WEIGHTS = {
	"邻里纠纷": 30,
	"婚姻家庭": 14,
	"土地纠纷": 14,
	"劳资纠纷": 12,
	"物业管理": 15,
	"拆迁安置": 15,
}
# category → (bands of people involved, their weights)
PEOPLE_INVOLVED = {
	"邻里纠纷": ([(2, 2), (3, 4), (5, 8)], [70, 25, 5]),
	"婚姻家庭": ([(2, 2), (3, 5)], [60, 40]),
	"土地纠纷": ([(2, 4), (5, 9), (12, 40)], [60, 30, 10]),
	"劳资纠纷": ([(1, 3), (4, 9), (10, 30)], [55, 30, 15]),
	"物业管理": ([(2, 4), (5, 12), (20, 45)], [55, 30, 15]),
	"拆迁安置": ([(2, 4), (5, 8), (10, 30)], [60, 30, 10]),
}
DISPUTE_FLOWS = {
	"village_concluded": 60,
	"town_concluded": 12,
	"town_direct": 5,
	"town_court": 2,
	"village_open": 12,
	"open_town": 4,
	"withdrawn": 4,
	"reported": 1,
}
# flow → (youngest, oldest) age in days at planning
DISPUTE_AGES = {
	"village_concluded": (4, HISTORY_DAYS),
	"town_concluded": (14, HISTORY_DAYS),
	"town_direct": (8, HISTORY_DAYS),
	"town_court": (14, HISTORY_DAYS),
	"village_open": (0.3, 7.5),
	"open_town": (6, 14),
	"open_town_large": (6, 14),
	"withdrawn": (5, HISTORY_DAYS),
	"reported": (0.05, 0.8),
	"overdue_reported": (1.2, 5),
	"overdue_village": (12, 14),
	"district_open": (14, 30),
	"district_stale": (35, 45),
}
HOW_FOUND = {"Visit": 50, "Screening": 35, "Grid Report": 15}
OUTCOMES = {"Agreement": 78, "Partial Agreement": 10, "Mediation Failed": 6, "Referred to Court": 6}
# a failed mediation is escalated from the village, not closed there
VILLAGE_OUTCOMES = {outcome: n for outcome, n in OUTCOMES.items() if outcome != "Mediation Failed"}
SESSION_RESULT = {
	"Agreement": "Agreement",
	"Partial Agreement": "Partial Agreement",
	"Mediation Failed": "Mediation Failed",
	"Referred to Court": "Mediation Failed",
}
EMPLOYERS = [
	"海东某建筑劳务有限公司",
	"新区某物流有限公司",
	"小峡某砂石料厂",
	"平安某建材有限公司",
	"新区某餐饮管理有限公司",
	"海东某保洁服务有限公司",
]

DISPUTE_TEXTS = {
	"邻里纠纷": [
		(
			"楼上漏水致{a}家顶棚受损",
			"{a}反映楼上{b}家卫生间防水层破损，漏水浸湿其家顶棚和墙面，要求赔偿维修费用，双方协商未果。",
		),
		("楼道堆放杂物引发邻里争执", "{a}与对门{b}因楼道内堆放杂物、电动车停放问题多次发生口角。"),
		("装修噪音扰邻纠纷", "{b}家装修期间夜间施工，{a}多次劝阻无果，双方发生争吵。"),
		("空调外机噪音及排水纠纷", "{a}反映{b}家空调外机正对其卧室窗户，噪音大且冷凝水滴落，要求移机。"),
		(
			"楼前公共绿地种菜引发纠纷",
			"{b}在{bld}号楼前公共绿地开垦种菜，{a}等邻居认为占用公共空间，双方发生争执。",
		),
		("饲养犬只扰邻纠纷", "{a}反映邻居{b}饲养的犬只夜间吠叫、随地便溺，多次沟通未改善。"),
	],
	"婚姻家庭": [
		("{a}与{b}家庭矛盾", "{a}与{b}因家庭开支和子女抚养问题长期不和，近期矛盾激化，请求调解。"),
		("赡养老人纠纷", "{a}反映与{b}在赡养老人、分担医疗费用问题上意见不一，请求村里调解。"),
		("安置房产权登记家庭内部纠纷", "{a}与{b}就安置房产权证登记在谁名下发生争议。"),
		("婚姻家庭纠纷", "{a}与{b}感情不和，就子女抚养和家庭财产分割协商未果。"),
	],
	"土地纠纷": [
		("原承包地征收补偿款分配纠纷", "{a}与{b}就原{village}承包地征收补偿款的分配比例存在争议。"),
		("原宅基地界址纠纷", "{a}与{b}因原宅基地界址不清发生争执，涉及征地补偿面积认定。"),
		("土地流转租金纠纷", "{a}将剩余耕地流转给{b}耕种，对方拖欠租金，双方发生纠纷。"),
		("青苗补偿纠纷", "{a}反映征地时地上青苗补偿款分配不公，与{b}发生争议。"),
	],
	"劳资纠纷": [
		("{a}等{n}人追讨工资", "{a}等{n}名务工人员反映在{b}务工期间被拖欠工资，多次讨要未果。"),
		("工伤待遇纠纷", "{a}在{b}务工时受伤，双方就医疗费和误工费赔偿发生争议。"),
		("劳务费结算纠纷", "{a}等{n}人为{b}提供劳务，工程结束后劳务费迟迟未结清。"),
	],
	"物业管理": [
		("{compound}物业费收缴纠纷", "{a}等{n}户业主认为物业服务不到位，拒缴物业费，与{b}发生纠纷。"),
		("{compound}电梯停运纠纷", "{compound}{bld}号楼电梯多次停运，{a}等业主与{b}就维修费用承担发生争议。"),
		("{compound}冬季供暖不达标", "{a}等{n}户居民反映室内温度不达标，与{b}交涉未果。"),
		("{compound}车位管理纠纷", "{a}与{b}就小区车位收费和管理方式发生争议。"),
	],
	"拆迁安置": [
		("安置房面积差价纠纷", "{a}对安置房面积差价款计算有异议，与{b}多次协商未果。"),
		("过渡安置费发放纠纷", "{a}反映过渡安置费未按时足额发放，与{b}发生争执。"),
		("安置房选房顺序纠纷", "{a}认为选房顺序号分配不公，与{b}发生纠纷。"),
		("拆迁补偿款家庭内部分配纠纷", "{a}与{b}就原房屋拆迁补偿款在家庭成员之间的分配发生争议。"),
	],
}
REPEAT_TEXTS = [
	("{a}与{b}再次发生纠纷", "{a}与{b}此前纠纷调解后不久，又因同一问题再次发生争执，矛盾有激化苗头。"),
	("{a}与{b}矛盾反复", "{a}反映{b}未履行上次调解协议，双方再次发生冲突。"),
]
SESSION_SUMMARIES = [
	"村调委会组织双方面对面调解，释法明理，双方各自陈述诉求。",
	"调解员入户走访，分别做双方思想工作，约定再次协商。",
	"邀请楼栋长、网格员参与调解，现场查看情况。",
	"结合法律顾问意见，向双方讲解相关法律规定和政策。",
]
AGREEMENTS = {
	"邻里纠纷": [
		"{b}负责维修并赔偿{a}损失{money}元，双方今后互谅互让、和睦相处。",
		"双方同意清理楼道杂物，约定今后共同维护公共区域。",
	],
	"婚姻家庭": [
		"双方达成家庭和解协议，约定共同承担老人赡养和医疗费用。",
		"双方就子女抚养和财产分割达成一致，签订调解协议书。",
	],
	"土地纠纷": [
		"双方按原土地确权面积分配补偿款，{b}返还{a}{money}元。",
		"双方共同确认界址，按确认面积领取补偿。",
	],
	"劳资纠纷": [
		"{b}同意分两期支付拖欠工资共计{money}元，首期已当场兑付。",
		"{b}一次性支付{a}医疗费、误工费共计{money}元。",
	],
	"物业管理": [
		"{b}承诺限期整改服务问题，业主按约缴纳物业费。",
		"{b}负责维修，费用从维修基金列支，业主监督。",
	],
	"拆迁安置": [
		"经重新核算，{b}补发{a}差价款{money}元。",
		"双方按安置政策重新核定，{a}同意按核定结果执行。",
	],
}

PETITION_CATEGORY_WEIGHTS = {
	"拆迁安置": 30,
	"物业管理": 15,
	"土地纠纷": 15,
	"劳资纠纷": 15,
	"医疗卫生": 10,
	"环境保护": 8,
	"涉法涉诉": 7,
}
CHANNELS = {"Visit": 55, "Phone": 15, "Postal Letter": 10, "Internet": 12, "Hotline": 8}
INTAKE_WINDOWS = {
	"Visit": "{town}综治信访服务中心接待窗口",
	"Phone": "{town}综治信访服务中心电话",
	"Postal Letter": "{town}综治信访服务中心来信",
	"Internet": "网上信访平台",
	"Hotline": "12345便民服务热线",
}
PETITION_FLOWS = {
	"concluded": 58,
	"replied": 5,
	"assigned": 12,
	"accepted": 5,
	"registered": 9,
	"not_accepted": 6,
	"withdrawn": 5,
}
PETITION_AGES = {
	"concluded": (35, HISTORY_DAYS),
	"concluded_dissatisfied": (35, HISTORY_DAYS),
	"replied": (20, 40),
	"assigned": (3, 30),
	"accepted": (1, 8),
	"registered": (0.1, 8),
	"not_accepted": (8, HISTORY_DAYS),
	"withdrawn": (8, HISTORY_DAYS),
	"overdue_registered": (16, 25),
	"overdue_assigned": (63, 70),
}
PETITION_TEXTS = {
	"拆迁安置": [
		("反映过渡安置费拖欠问题", "信访人反映其家庭过渡安置费已三个月未发放，请求尽快兑付。"),
		("反映安置房质量问题", "信访人反映所分{compound}{bld}号楼安置房墙体开裂、渗水，请求维修。"),
		("反映安置房面积认定问题", "信访人对原房屋面积丈量结果有异议，认为安置面积偏少。"),
	],
	"物业管理": [
		("反映小区物业服务差", "信访人反映{compound}垃圾清运不及时、门禁损坏无人维修。"),
		("反映小区电梯长期停用", "信访人反映{compound}{bld}号楼电梯停用两个月，老人上下楼困难。"),
	],
	"土地纠纷": [
		("反映征地补偿标准问题", "信访人反映原{village}承包地征收补偿标准低于邻村，要求一视同仁。"),
		("反映剩余耕地被占用", "信访人反映其剩余耕地被施工单位临时占用未给补偿。"),
	],
	"劳资纠纷": [
		("反映工程欠薪问题", "信访人反映在新区某工地务工被拖欠工资，多次讨要无果。"),
		("反映劳务派遣公司克扣工资", "信访人反映劳务派遣公司以各种名义克扣工资。"),
	],
	"医疗卫生": [
		("反映新农合报销问题", "信访人反映住院费用报销比例偏低、报销周期长。"),
		("反映社区卫生服务中心看病难", "信访人反映社区卫生服务中心医生少、候诊时间长。"),
	],
	"环境保护": [
		("反映砂石厂粉尘污染", "信访人反映{village}附近砂石料厂粉尘、噪音污染严重，影响居民生活。"),
		("反映小区旁垃圾转运站异味", "信访人反映{compound}旁垃圾转运站夏季异味严重。"),
	],
	"涉法涉诉": [
		("对法院判决不服", "信访人对民间借贷纠纷一审判决不服，要求重新处理。"),
		("要求追究对方刑事责任", "信访人反映与他人斗殴受伤，对公安机关处理结果不满。"),
	],
}
PETITION_REPLIES = {
	"拆迁安置": [
		"经核实，过渡安置费因资金拨付延迟未及时发放，已协调财政部门于本月底前补发到位，并当面答复信访人。",
		"经组织住建部门现场查勘，已责成施工单位限期维修，维修完成后由村里组织验收。",
	],
	"物业管理": [
		"已约谈物业公司，责令限期整改，镇里将组织业主代表跟踪评议。",
		"已协调电梯维保单位更换配件，电梯已恢复运行。",
	],
	"土地纠纷": [
		"经核查，补偿标准符合新区征地补偿方案，已向信访人解释政策依据。",
		"已协调施工单位按临时用地标准给予补偿。",
	],
	"劳资纠纷": ["经人社部门协调，用工单位已结清拖欠工资。", "已责令劳务公司退还克扣款项，并纳入重点监管。"],
	"医疗卫生": [
		"已向信访人解释新农合报销政策，并协调加快报销进度。",
		"社区卫生服务中心已增加门诊医生，延长服务时间。",
	],
	"环境保护": [
		"环保部门已对砂石料厂下达整改通知，加装喷淋降尘设施。",
		"已调整垃圾清运频次，转运站每日消杀。",
	],
	"涉法涉诉": ["该事项属涉法涉诉，依法应通过上诉、申请再审等法律途径解决，已告知信访人。"],
}
LAW_REPLY = "该事项属涉法涉诉，依法应通过上诉、申请再审等法律途径解决，不予受理，已书面告知信访人。"

SERVICE_FLOWS = {
	"at_once": 55,
	"handled": 20,
	"town": 8,
	"refused": 4,
	"received": 5,
	"in_progress": 5,
	"withdrawn": 3,
}
SERVICE_AGES = {
	"at_once": (0.2, HISTORY_DAYS),
	"handled": (3, HISTORY_DAYS),
	"town": (4, HISTORY_DAYS),
	"refused": (1, HISTORY_DAYS),
	"received": (0.05, 0.8),
	"in_progress": (0.2, 1.8),
	"withdrawn": (2, HISTORY_DAYS),
	"stuck": (4.5, 4.7),
}
SERVICE_TYPE_WEIGHTS = {
	"Employment": 18,
	"Medical Insurance": 18,
	"Pension": 16,
	"Civil Affairs Relief": 10,
	"Subsistence Allowance": 10,
	"Hukou": 12,
	"Housing Allocation": 8,
	"Other": 8,
}
SERVICE_TEXTS = {
	"Employment": [
		("办理就业失业登记", "{name}申请办理就业失业登记证。"),
		("报名家政服务技能培训", "{name}报名参加新区组织的家政服务技能培训。"),
	],
	"Medical Insurance": [
		("城乡居民医保参保缴费", "{name}办理本年度城乡居民医疗保险参保缴费。"),
		("医保关系转移接续", "{name}申请将医保关系由原籍转入新区。"),
	],
	"Pension": [
		("养老保险待遇领取资格认证", "{name}办理城乡居民养老保险待遇领取资格认证。"),
		("被征地农民养老保险参保登记", "{name}办理被征地农民养老保险参保登记。"),
	],
	"Civil Affairs Relief": [
		("申请临时救助", "{name}因家人患病，申请临时救助。"),
		("申请残疾人两项补贴", "{name}为家中残疾人申请生活补贴和护理补贴。"),
	],
	"Subsistence Allowance": [
		("申请城市最低生活保障", "{name}家庭收入低，申请城市最低生活保障。"),
		("低保年度复核", "{name}办理低保年度复核。"),
	],
	"Hukou": [
		("办理农转非户口迁移", "{name}申请办理农业户口转为非农业户口。"),
		("补办户口簿", "{name}户口簿遗失，申请补办。"),
	],
	"Housing Allocation": [
		("安置房钥匙领取确认", "{name}办理安置房钥匙领取确认手续。"),
		("安置房分配信息更正", "{name}申请更正安置房分配登记信息。"),
	],
	"Other": [
		("开具居住证明", "{name}因子女入学需要，申请开具居住证明。"),
		("开具家庭关系证明", "{name}申请开具家庭关系证明。"),
	],
}
SERVICE_RESULTS = ["材料齐全，已当场办结。", "已受理并办结，结果已告知申请人。", "已录入系统办结，一次办好。"]
REFUSALS = [
	"经核查，申请人家庭人均收入超过低保标准，不符合条件，已告知原因和复核途径。",
	"申请材料不全，已一次性告知需补充的材料，申请人补齐后可重新申请。",
]

EVENT_FLOWS = {
	"on_site": 33,
	"verified_resolved": 14,
	"dispatched": 10,
	"dispatched_open": 3,
	"to_dispute": 8,
	"to_petition": 4,
	"to_service": 4,
	"dismissed": 4,
	"reported": 8,
	"verified": 5,
	"withdrawn": 2,
}
EVENT_AGES = {
	"on_site": (0.1, HISTORY_DAYS),
	"verified_resolved": (3, HISTORY_DAYS),
	"dispatched": (4, HISTORY_DAYS),
	"dispatched_open": (0.5, 2),
	"to_dispute": (1, HISTORY_DAYS),
	"to_petition": (2, HISTORY_DAYS),
	"to_service": (1, HISTORY_DAYS),
	"dismissed": (1, HISTORY_DAYS),
	"reported": (0.03, 0.7),
	"overdue_reported": (1.5, 3),
	"verified": (0.3, 1.5),
	"withdrawn": (1, HISTORY_DAYS),
}
EVENT_KIND_OF_FLOW = {
	"dispatched": "Urban Management",
	"dispatched_open": "Urban Management",
	"to_dispute": "Dispute Lead",
	"to_petition": "Public Opinion",
	"to_service": "Public Opinion",
}
EVENT_TYPE_WEIGHTS = {"Hazard": 30, "Urban Management": 35, "Public Opinion": 20, "Security Lead": 15}
EVENT_TEXTS = {
	"Urban Management": [
		(
			"占道经营",
			"{compound}门口流动摊贩占道经营",
			"{compound}大门两侧有流动摊贩占道摆摊，影响居民通行。",
		),
		("乱倒垃圾", "{compound}{bld}号楼旁乱倒建筑垃圾", "有住户将装修垃圾堆放在{bld}号楼旁绿化带。"),
		("乱搭乱建", "{compound}{bld}号楼一楼住户私搭彩钢棚", "一楼住户在楼前私自搭建彩钢棚，占用公共绿地。"),
		("环境卫生", "{compound}垃圾桶满溢未清运", "小区内垃圾桶满溢两天未清运，异味较大。"),
		("交通秩序", "{compound}门前车辆乱停堵塞通道", "小区门前车辆乱停，堵塞消防通道。"),
	],
	"Hazard": [
		(
			"安全生产",
			"{compound}{bld}号楼楼道电动车充电",
			"有住户从楼上拉线在楼道内给电动车充电，存在火灾隐患。",
		),
		(
			"安全生产",
			"{compound}{bld}号楼外墙瓷砖脱落",
			"{bld}号楼外墙瓷砖脱落，楼下为人行通道，存在安全隐患。",
		),
		("安全生产", "{compound}窨井盖缺失", "小区内道路窨井盖缺失，夜间易发生意外。"),
	],
	"Public Opinion": [
		("物业管理", "居民反映{compound}供暖不热", "多户居民反映室内温度偏低，对物业公司意见较大。"),
		("拆迁安置", "居民议论过渡费发放进度", "部分安置户在楼下议论过渡费发放进度，情绪有所波动。"),
		("环境保护", "居民反映附近工地夜间施工扰民", "附近工地夜间施工噪音大，居民休息受影响。"),
	],
	"Dispute Lead": [
		(
			"邻里纠纷",
			"{a}与{b}因琐事发生口角",
			"网格员走访发现{a}与{b}因楼道卫生、停车等琐事多次口角，有激化苗头。",
		),
		("邻里纠纷", "{a}与邻居因漏水问题争吵", "{a}与楼上邻居{b}因漏水维修问题争吵，需及时化解。"),
	],
	"Security Lead": [
		("治安", "{compound}发现可疑人员尾随进入单元", "居民反映有陌生人员尾随进入单元楼，形迹可疑。"),
		("治安", "{compound}地下车库电动车电瓶被盗", "多名居民反映近期地下车库电动车电瓶被盗。"),
	],
}
# public-opinion events a grid worker finds on a home visit, triaged into a service request
WELFARE_EVENT_TEXTS = [
	(
		"",
		"独居老人{a}生活困难需要救助",
		"网格员入户走访发现独居老人{a}因病住院，家中生活困难，需要临时救助。",
	),
	("", "{a}家庭因病致困", "网格员走访发现{a}家庭成员患重病，医疗支出大，生活困难。"),
]
