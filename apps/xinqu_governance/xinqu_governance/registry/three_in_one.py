"""三位一体 (Guiding Opinions §27(2)): each village's party branch, village committee and service
station, with cross-appointments — "村便民服务站主任由社区书记主任兼任".

The three bodies are Organisations of the village (`org_type` Party Branch / Village Committee /
Service Station, `jurisdiction` the village); who holds which seat is the `seat` of an Organisation
Member row, the person being its `user` (and/or `resident`). This module holds the rule once:

- the seats each of the three bodies must fill (`REQUIRED_SEATS`), and the seats each may have;
- the station head must hold the secretary's or the director's seat too (`STATION_HEAD_HELD_WITH`);
- a seat holder acts through the desk, so holds `SEAT_HOLDER_ROLE` at the village through an active
  Jurisdiction Assignment (the assignment is what gives the access; the roster only checks it).

`village_roster(villages)` reads all of it with three queries and returns one row per village and
required seat, each with its problem (or none). The report "Three-in-One Roster" shows it; the
Organisation form warns about its own rows.
"""

import frappe
from frappe import _
from frappe.utils import getdate

from xinqu_governance.governance.access import active_on
from xinqu_governance.governance.roles import VILLAGE_STAFF

PARTY_BRANCH, VILLAGE_COMMITTEE, SERVICE_STATION = "Party Branch", "Village Committee", "Service Station"
THREE_BODIES = (PARTY_BRANCH, VILLAGE_COMMITTEE, SERVICE_STATION)
SECRETARY, DIRECTOR, STATION_HEAD = "Secretary", "Director", "Station Head"

# the seat of each body the roster requires, in the order it is shown
REQUIRED_SEATS = ((PARTY_BRANCH, SECRETARY), (VILLAGE_COMMITTEE, DIRECTOR), (SERVICE_STATION, STATION_HEAD))
# the seats each body may have; a seat of `SINGLE_SEATS` has one holder
ALLOWED_SEATS = {
	PARTY_BRANCH: (SECRETARY, "Deputy Secretary", "Committee Member"),
	VILLAGE_COMMITTEE: (DIRECTOR, "Deputy Director", "Committee Member"),
	SERVICE_STATION: (STATION_HEAD, "Committee Member"),
}
SINGLE_SEATS = (SECRETARY, DIRECTOR, STATION_HEAD)
# 村便民服务站主任由社区书记主任兼任: the station head holds one of these seats as well
STATION_HEAD_HELD_WITH = ((PARTY_BRANCH, SECRETARY), (VILLAGE_COMMITTEE, DIRECTOR))
SEAT_HOLDER_ROLE = VILLAGE_STAFF

NO_ORGANISATION = "No Organisation"
EMPTY_SEAT = "Empty Seat"
NO_USER = "No User Linked"
NO_ASSIGNMENT = "No Jurisdiction Assignment"
NOT_CROSS_APPOINTED = "Station Head Is Neither Secretary nor Director"
PROBLEMS = (NO_ORGANISATION, EMPTY_SEAT, NO_USER, NO_ASSIGNMENT, NOT_CROSS_APPOINTED)


def validate_seats(org) -> None:
	"""Organisation.validate: the seats of the three bodies are theirs, and a single seat has one holder."""
	allowed = ALLOWED_SEATS.get(org.org_type)
	held = {}
	for row in org.members:
		if not row.seat:
			continue
		if allowed is not None and row.seat not in allowed:
			frappe.throw(
				_("Row {0}: a {1} has no seat {2}; its seats are {3}.").format(
					row.idx, _(org.org_type), _(row.seat), ", ".join(_(seat) for seat in allowed)
				),
				title=_("Invalid Seat"),
			)
		if row.seat in SINGLE_SEATS and row.seat in held:
			frappe.throw(
				_("Rows {0} and {1} both hold the seat {2}; it has one holder.").format(
					held[row.seat], row.idx, _(row.seat)
				),
				title=_("Invalid Seat"),
			)
		held[row.seat] = row.idx


def same_person(a: dict, b: dict) -> bool:
	"""Two seat holders are one person when they share the user, else the resident, else (neither
	linked) the name."""
	for key in ("user", "resident"):
		if a.get(key) and b.get(key):
			return a[key] == b[key]
	if a.get("user") or a.get("resident") or b.get("user") or b.get("resident"):
		return False
	return bool(a.get("member_name")) and a.get("member_name") == b.get("member_name")


def village_roster(villages: list[str]) -> list[frappe._dict]:
	"""One row per village and required seat: village, body, seat, organisation, holder (member_name,
	user, resident), assignment (the holder's active Jurisdiction Assignment at the village) and
	problem (one of `PROBLEMS`, or "")."""
	if not villages:
		return []
	O = frappe.qb.DocType("Organisation")
	M = frappe.qb.DocType("Organisation Member")
	A = frappe.qb.DocType("Jurisdiction Assignment")
	organisations = (
		frappe.qb.from_(O)
		.select(O.name, O.org_type, O.jurisdiction)
		.where(O.jurisdiction.isin(villages) & O.org_type.isin(THREE_BODIES))
		.orderby(O.creation)
		.run(as_dict=True)
	)
	# the oldest body of each type in each village is the one the roster reads
	body = {}
	for org in organisations:
		body.setdefault((org.jurisdiction, org.org_type), org.name)
	seats = [seat for _type, seat in REQUIRED_SEATS]
	holders = {}
	if body:
		for row in (
			frappe.qb.from_(M)
			.select(M.parent, M.seat, M.member_name, M.user, M.resident)
			.where((M.parenttype == "Organisation") & M.parent.isin(list(body.values())) & M.seat.isin(seats))
			.orderby(M.idx)
			.run(as_dict=True)
		):
			holders.setdefault((row.parent, row.seat), row)
	users = list({h.user for h in holders.values() if h.user}) or [""]
	assignments = {
		(a.user, a.jurisdiction): a.name
		for a in (
			frappe.qb.from_(A)
			.select(A.name, A.user, A.jurisdiction)
			.where(
				A.user.isin(users)
				& A.jurisdiction.isin(villages)
				& (A.role == SEAT_HOLDER_ROLE)
				& active_on(A, getdate())
			)
			.run(as_dict=True)
		)
	}

	roster = []
	for village in villages:
		held = {}
		for org_type, seat in REQUIRED_SEATS:
			organisation = body.get((village, org_type))
			holder = holders.get((organisation, seat)) if organisation else None
			held[(org_type, seat)] = holder
			row = frappe._dict(
				village=village,
				body=org_type,
				seat=seat,
				organisation=organisation,
				member_name=holder.member_name if holder else None,
				user=holder.user if holder else None,
				resident=holder.resident if holder else None,
				assignment=assignments.get((holder.user, village)) if holder and holder.user else None,
				problem="",
			)
			if not organisation:
				row.problem = NO_ORGANISATION
			elif not holder:
				row.problem = EMPTY_SEAT
			elif not holder.user:
				row.problem = NO_USER
			elif not row.assignment:
				row.problem = NO_ASSIGNMENT
			roster.append(row)
		# the cross-appointment comes first: a station head who is someone else is the wrong person,
		# whatever his login or assignment
		head = held[(SERVICE_STATION, STATION_HEAD)]
		if head and not any(held[seat] and same_person(head, held[seat]) for seat in STATION_HEAD_HELD_WITH):
			roster[-1].problem = NOT_CROSS_APPOINTED
	return roster


def roster_problems_of(org) -> list[str]:
	"""The roster's problems on the seats of `org` (a saved Organisation), as translated sentences."""
	if org.org_type not in THREE_BODIES:
		return []
	messages = []
	for row in village_roster([org.jurisdiction]):
		if row.organisation == org.name and row.problem:
			messages.append(_("{0}: {1}").format(_(row.seat), _(row.problem)))
	return messages
