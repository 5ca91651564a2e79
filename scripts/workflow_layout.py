#!/usr/bin/env python3
"""Give every workflow of the profile (workflows/*.json) a readable layout for Frappe's Workflow Builder,
which otherwise puts all states on one line.

	python3 scripts/workflow_layout.py            # rewrite workflows/*.json in place

The builder (frappe/public/js/workflow_builder/utils.js `get_workflow_elements`, v15 and v16) reads the
Workflow's `workflow_data` JSON: vue-flow elements of type "state" (one per Workflow Document State,
matched by the state row's `workflow_builder_id`), "action" (one per Workflow Transition, matched by the
transition's `workflow_builder_id`, `data.from_id` / `data.to_id` naming its states) and "transition"
(the edges state → action → state). The layout is layered: a state's column is its distance in
transitions from the first state; states stack down their column; each transition's action sits in
the gap right of the leftmost of its two columns, stacked in the order the transitions are listed.
Run it again after changing a workflow's states or transitions (positions moved in the builder are
kept only until then).
"""

import json
from collections import deque
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

LEFT, TOP = 100, 100
COLUMN = 560  # from one state column to the next: a state (≈200 px), the gap with the actions (≈220 px)
STATE_ROW = 120  # a state node is ≈60 px high
ACTION_OFFSET = 290  # actions' column, right of the states' one
ACTION_ROW = 60  # an action node is ≈40 px high


def layers(states: list[str], transitions: list[dict]) -> dict[str, int]:
	"""Each state's distance in transitions from the first state (unreached ones: one column further)."""
	depth = {states[0]: 0}
	queue = deque([states[0]])
	while queue:
		state = queue.popleft()
		for transition in transitions:
			if transition["state"] == state and transition["next_state"] not in depth:
				depth[transition["next_state"]] = depth[state] + 1
				queue.append(transition["next_state"])
	last = max(depth.values()) + 1
	return {state: depth.get(state, last) for state in states}


def unique_states(workflow: dict) -> list[str]:
	return list(dict.fromkeys(row["state"] for row in workflow["states"]))


def builder_ids(workflow: dict) -> list[str]:
	"""One id per state row. A state may have several rows (one per role allowed to edit in it), and
	the builder makes a node of each row, keyed by its id: rows sharing an id became one node whose
	data was the last row's, so a save from the builder wrote that row twice and dropped the other
	roles (`get_workflow_elements` / `get_updated_states`). Each row is its own node, as the builder
	draws a workflow whose rows have no ids."""
	return [str(index) for index in range(1, len(workflow["states"]) + 1)]


def first_ids(workflow: dict) -> dict[str, str]:
	"""The node of a state's first row: the transitions' ends (the builder too picks a state's first
	node for a transition it has no ends for)."""
	ids = {}
	for row, row_id in zip(workflow["states"], builder_ids(workflow), strict=True):
		ids.setdefault(row["state"], row_id)
	return ids


def workflow_data(workflow: dict) -> list[dict]:
	states = unique_states(workflow)
	column = layers(states, workflow["transitions"])
	rows = list(zip(workflow["states"], builder_ids(workflow), strict=True))
	ids = first_ids(workflow)

	elements, rows_used = [], {}
	for state in states:  # a state's further rows (other roles) right below its first
		for row, row_id in rows:
			if row["state"] != state:
				continue
			place = rows_used[("state", column[state])] = rows_used.get(("state", column[state]), -1) + 1
			elements.append(
				{
					"id": row_id,
					"type": "state",
					"position": {"x": LEFT + column[state] * COLUMN, "y": TOP + place * STATE_ROW},
					"data": {"state": state},
				}
			)
	edges = []
	for index, transition in enumerate(workflow["transitions"], start=1):
		action, source, target = f"action-{index}", ids[transition["state"]], ids[transition["next_state"]]
		gap = min(column[transition["state"]], column[transition["next_state"]])
		row = rows_used[("action", gap)] = rows_used.get(("action", gap), -1) + 1
		elements.append(
			{
				"id": action,
				"type": "action",
				"position": {"x": LEFT + gap * COLUMN + ACTION_OFFSET, "y": TOP - 20 + row * ACTION_ROW},
				"data": {"from_id": source, "to_id": target},
			}
		)
		for edge_source, edge_target in ((source, action), (action, target)):
			edges.append(
				{
					"id": f"edge-{edge_source}-{edge_target}",
					"type": "transition",
					"source": edge_source,
					"target": edge_target,
					"sourceHandle": "right",
					"targetHandle": "left",
					"updatable": True,
					"animated": True,
				}
			)
	return elements + edges


def lay_out(workflow: dict) -> None:
	states = unique_states(workflow)
	for row, row_id in zip(workflow["states"], builder_ids(workflow), strict=True):
		row["workflow_builder_id"] = row_id
	for index, transition in enumerate(workflow["transitions"], start=1):
		transition["workflow_builder_id"] = f"action-{index}"
		assert transition["state"] in states and transition["next_state"] in states, transition
	workflow["workflow_data"] = workflow_data(workflow)


def main() -> None:
	for path in sorted((REPO / "workflows").glob("*.json")):
		docs = json.loads(path.read_text())
		for doc in docs:
			if doc.get("doctype") == "Workflow":
				lay_out(doc)
		# the profile's file layout (xinqu_governance.profile.canonical.dump_docs)
		path.write_text(json.dumps(docs, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
		print(path.relative_to(REPO))


if __name__ == "__main__":
	main()
