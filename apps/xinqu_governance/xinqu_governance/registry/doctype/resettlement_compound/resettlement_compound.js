// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Resettlement Compound", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Propose Grids"), () => {
			frappe
				.call("xinqu_governance.api.housing.get_grid_proposal", { compound: frm.doc.name })
				.then(({ message: proposal }) => show_grid_proposal(frm, proposal));
		});
	},
});

function show_grid_proposal(frm, proposal) {
	if (!proposal.grids.length) {
		frappe.msgprint(__("Every unit of this compound is already in a grid."));
		return;
	}
	const rows = proposal.grids
		.map(
			(g, i) => `<tr>
				<td>${i + 1}</td>
				<td>${frappe.utils.escape_html(g.building_number)}</td>
				<td>${__(g.building_type)}</td>
				<td>${g.unit_numbers.join(", ")}</td>
				<td>${g.count}</td>
				<td>${__(g.status)}</td>
			</tr>`
		)
		.join("");
	const dialog = new frappe.ui.Dialog({
		title: __("Proposed Grids"),
		size: "large",
		fields: [
			{
				fieldtype: "HTML",
				options: `<p>${__("Target {0} households per grid, band {1} to {2} (counting {3}).", [
					proposal.target,
					proposal.band[0],
					proposal.band[1],
					__(proposal.basis),
				])}</p>
				<table class="table table-bordered">
					<thead><tr><th>#</th><th>${__("Building")}</th><th>${__("Building Type")}</th>
					<th>${__("Units")}</th><th>${__("Households")}</th><th>${__("Household Band")}</th></tr></thead>
					<tbody>${rows}</tbody>
				</table>`,
			},
		],
		primary_action_label: __("Create Grids"),
		primary_action() {
			frappe
				.call({
					method: "xinqu_governance.api.housing.create_proposed_grids",
					args: { compound: frm.doc.name },
					freeze: true,
				})
				.then(({ message }) => {
					dialog.hide();
					frappe.show_alert({ message: __("{0} grids created.", [message.length]), indicator: "green" });
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
