// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

// "Triage into Case": the server names the case types the user may triage the event into now
// (cases/triage.py `triage_targets`: the workflow's action "Triage" and create permission decide).
frappe.ui.form.on("Grid Event", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.triaged_to) return;
		const name = frm.docname;
		frappe
			.xcall("xinqu_governance.api.triage.targets", { grid_event: name })
			.then((targets) => {
				if (targets.length && frm.docname === name) {
					frm.add_custom_button(__("Triage into Case"), () => triage_grid_event(frm, targets));
				}
			});
	},
});

function triage_grid_event(frm, targets) {
	const dialog = new frappe.ui.Dialog({
		title: __("Triage into Case"),
		fields: [
			{
				fieldname: "target_doctype",
				fieldtype: "Select",
				label: __("Case Type"),
				options: targets.map((doctype) => ({ value: doctype, label: __(doctype) })),
				default: targets[0],
				reqd: 1,
			},
		],
		primary_action_label: __("Triage"),
		primary_action({ target_doctype }) {
			frappe
				.xcall("xinqu_governance.api.triage.triage_grid_event", {
					grid_event: frm.docname,
					target_doctype,
				})
				.then((created) => {
					dialog.hide();
					frappe.show_alert({
						message: __("Grid event {0} triaged into {1} {2}", [frm.docname, __(created.doctype), created.name]),
						indicator: "green",
					});
					frappe.set_route("Form", created.doctype, created.name);
				})
				.catch(() => {}); // the server's message is shown already; the dialog stays open
		},
	});
	dialog.show();
}
