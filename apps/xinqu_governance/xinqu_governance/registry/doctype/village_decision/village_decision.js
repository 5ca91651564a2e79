// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Village Decision", {
	setup(frm) {
		frm.set_query("jurisdiction", () => ({ filters: { level: "Village" } }));
	},

	refresh(frm) {
		if (frm.is_new() || !frm.doc.is_major_decision) return;
		if (frm.doc.stability_risk_assessment) {
			frappe.db
				.get_value("Stability Risk Assessment", frm.doc.stability_risk_assessment, ["is_approved", "is_withdrawn"])
				.then(({ message }) => {
					const approved = message && message.is_approved && !message.is_withdrawn;
					frm.dashboard.set_headline(
						approved
							? __("The social stability risk assessment is approved: the decision may be put to the vote.")
							: __("The social stability risk assessment is not approved yet: the vote cannot be recorded."),
						approved ? "green" : "orange"
					);
				});
			return;
		}
		frm.dashboard.set_headline(
			__("A major decision is put to the vote only after its social stability risk assessment is approved (Guiding Opinions §4)."),
			"orange"
		);
		if (frappe.model.can_create("Stability Risk Assessment")) {
			frm.add_custom_button(__("Assess Stability Risk"), () =>
				frappe
					.xcall("xinqu_governance.api.registry.make_risk_assessment", {
						decision: frm.doc.name,
					})
					.then((name) => frappe.set_route("Form", "Stability Risk Assessment", name))
			);
		}
	},
});
