// The node of a record in the desk's forms, for the DocTypes scoped on the tree (governance/tree_scope.py).
// Their `jurisdiction` field is marked `ignore_user_permissions` so that Frappe does not add its own
// condition for it to the SQL (the server applies the same User Permissions itself). For the
// form, the field behaves as Frappe makes it without the mark: its search lists the nodes the User
// Permissions allow (`api/scope.search_nodes`, Frappe's own search of Jurisdiction), and a new record
// gets the user's default node (the User Permission marked default, or the only one for the DocType:
// `tree_scope.default_node` on the server).
// Loaded on every desk page (hooks `app_include_js`); the DocTypes come with the boot.

frappe.provide("xinqu_governance.tree_scope");

const SCOPE_FIELD = "jurisdiction";

xinqu_governance.tree_scope.default_node = function (doctype) {
	const permissions = (frappe.defaults.get_user_permissions() || {}).Jurisdiction || [];
	const allowed = permissions.filter((p) => !p.applicable_for || p.applicable_for === doctype);
	const marked = allowed.filter((p) => p.is_default);
	if (marked.length) return marked[0].doc;
	return allowed.length === 1 ? allowed[0].doc : null;
};

function search_within_user_permissions(frm) {
	// Frappe would search every node (the field is marked); the app's search keeps to the User Permissions
	frm.set_query(SCOPE_FIELD, () => ({ query: "xinqu_governance.api.scope.search_nodes" }));
}

for (const doctype of (frappe.boot && frappe.boot.xinqu_tree_scoped) || []) {
	frappe.ui.form.on(doctype, {
		setup: search_within_user_permissions,
		onload(frm) {
			if (frm.is_new() && !frm.doc[SCOPE_FIELD]) {
				const node = xinqu_governance.tree_scope.default_node(doctype);
				if (node) frm.set_value(SCOPE_FIELD, node);
			}
		},
	});
}
