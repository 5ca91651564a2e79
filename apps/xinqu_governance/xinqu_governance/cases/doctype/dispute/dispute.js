// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

// "Record Mediation Session": a row of the Mediation Session table, filled in a dialog and saved.
// "Record Turned Criminal" (民转刑): also on a concluded dispute; the server checks the right at the
// dispute's node (cases/turned_criminal.py).
frappe.ui.form.on("Dispute", {
	refresh(frm) {
		// 履行情况: after conclusion the form is read-only; the follow-up fields are recorded here
		const agreed = ["Agreement", "Partial Agreement"].includes(frm.doc.outcome);
		if (!frm.is_new() && frm.doc.closed_on && !frm.doc.is_withdrawn && agreed) {
			frm.add_custom_button(__("Record Fulfilment"), () => record_fulfilment(frm));
		}
		if (!frm.is_new() && !frm.doc.turned_criminal && frm.has_perm("write")) {
			frm.add_custom_button(__("Record Turned Criminal"), () => record_turned_criminal(frm));
		}
		if (frm.is_new() || frm.doc.closed_on || !frm.has_perm("write")) return;
		if (frappe.workflow.is_read_only(frm.doctype, frm.docname)) return;
		frm.add_custom_button(__("Record Mediation Session"), () => record_mediation_session(frm));
	},
});

function record_mediation_session(frm) {
	frappe.model.with_doctype("Mediation Session", () => {
		// the session's level and unit are kept by the server (read-only): not asked
		const fields = frappe.meta
			.get_docfields("Mediation Session")
			.filter((df) => !df.read_only)
			.map((df) => ({
				fieldname: df.fieldname,
				fieldtype: df.fieldtype,
				label: df.label ? __(df.label) : "",
				options: df.options,
				reqd: df.reqd,
			}));
		const dialog = new frappe.ui.Dialog({
			title: __("Record Mediation Session"),
			fields,
			primary_action_label: __("Save"),
			primary_action(values) {
				frm.add_child("mediation_sessions", values);
				frm.save().then(() => dialog.hide());
			},
		});
		dialog.set_values({
			session_on: frappe.datetime.now_datetime(),
			mediation_type: frm.doc.mediation_type,
			mediator: frappe.session.user,
		});
		dialog.show();
	});
}

function record_fulfilment(frm) {
	const fieldnames = ["agreement_fulfilment", "fulfilment_checked_on", "fulfilment_note"];
	const dialog = new frappe.ui.Dialog({
		title: __("Record Fulfilment"),
		fields: fieldnames.map((fieldname) => {
			const df = frappe.meta.get_docfield("Dispute", fieldname);
			return {
				fieldname,
				fieldtype: df.fieldtype,
				label: __(df.label),
				options: df.options,
				reqd: fieldname === "agreement_fulfilment" ? 1 : 0,
				default: frm.doc[fieldname] || (fieldname === "fulfilment_checked_on" ? frappe.datetime.get_today() : undefined),
			};
		}),
		primary_action_label: __("Save"),
		primary_action(values) {
			frappe
				.call({
					method: "xinqu_governance.api.disputes.record_fulfilment",
					args: { name: frm.doc.name, ...values },
					freeze: true,
				})
				.then(() => {
					dialog.hide();
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}

function record_turned_criminal(frm) {
	frappe.prompt(
		[
			{
				fieldname: "turned_criminal_on",
				fieldtype: "Date",
				label: __("Turned Criminal On"),
				reqd: 1,
				default: frappe.datetime.get_today(),
			},
			{
				fieldname: "criminal_case_reference",
				fieldtype: "Data",
				label: __("Criminal Case Reference"),
				reqd: 1,
			},
		],
		(values) =>
			frappe
				.xcall("xinqu_governance.api.disputes.record_turned_criminal", {
					dispute: frm.doc.name,
					...values,
				})
				.then(() => frm.reload_doc()),
		__("Record Turned Criminal"),
		__("Save")
	);
}
