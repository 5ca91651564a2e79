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

// The list's filters (the standard filter and "Add a filter", which copies the DocType's field) search
// the node as Frappe does for a field without the mark: the desk's copy of the meta loses the mark as it
// arrives (`frappe.meta.sync`, through which the desk loads every DocType's meta, cached or not), so a
// link search sends no `ignore_user_permissions` and Frappe's search of Jurisdiction keeps to the User
// Permissions. The server's permission rules are the same either way (governance/tree_scope.py).
const TREE_SCOPED = (frappe.boot && frappe.boot.xinqu_tree_scoped) || [];

function unmark_scope_field(doc) {
	if (doc && doc.doctype === "DocType" && TREE_SCOPED.includes(doc.name)) {
		for (const df of doc.fields || []) {
			if (df.fieldname === SCOPE_FIELD) df.ignore_user_permissions = 0;
		}
	}
}

const sync_meta = frappe.meta.sync;
frappe.meta.sync = function (doc) {
	unmark_scope_field(doc);
	return sync_meta.apply(this, arguments);
};
for (const doctype of TREE_SCOPED) unmark_scope_field(frappe.get_meta(doctype));

for (const doctype of TREE_SCOPED) {
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
