// The dev runtime's realtime server: what Frappe's node `realtime/` does on a bench, for one site.
//
// - socket.io on PORT; the desk reaches it through the web server's `/socket.io/` (as nginx routes
//   it on a bench), in the namespace `/<sitename>` (boot.sitename).
// - A client is authenticated by calling the web server back with its `sid` cookie
//   (`frappe.realtime.get_user_info`); it joins `user:<user>`, `website`, and `all` for System Users.
// - doctype_subscribe / doc_subscribe / doc_open join `doctype:<dt>`, `doc:<dt>/<dn>`,
//   `open_doc:<dt>/<dn>` once `frappe.realtime.has_permission` says the user may read it;
//   task_subscribe / progress_subscribe join `task_progress:<id>`; doc_viewers as Frappe sends it.
// - Every message the Python side publishes on Redis' `events` channel is emitted to its room.
//   All sites of this machine share one Redis and monoframe names every site `monoframe`, so the
//   runtime tags each message with its site (`site`, the database name): only this site's are relayed.
//
// Configuration from the environment (runtime/xinqu_runtime/realtime.py starts it):
//   SOCKETIO_PORT, XQ_WEB_URL (the web server, for the call-backs), REDIS_QUEUE, XQ_SITE (the
//   database name), XQ_NAMESPACE (the desk's boot.sitename), XQ_POLLING_ONLY=1 (transport).

const { Server } = require("socket.io");
const { createClient } = require("redis");
const cookie = require("cookie");

const conf = {
	port: Number(process.env.SOCKETIO_PORT || 9000),
	web_url: (process.env.XQ_WEB_URL || "http://127.0.0.1:8000").replace(/\/$/, ""),
	redis: process.env.REDIS_QUEUE || "redis://127.0.0.1:6379",
	site: process.env.XQ_SITE || "",
	namespace: process.env.XQ_NAMESPACE || "monoframe",
	polling_only: process.env.XQ_POLLING_ONLY !== "0",
};

const SITE_ROOM = "all";
const WEBSITE_ROOM = "website";
const user_room = (user) => "user:" + user;
const doctype_room = (doctype) => "doctype:" + doctype;
const doc_room = (doctype, docname) => "doc:" + doctype + "/" + docname;
const open_doc_room = (doctype, docname) => "open_doc:" + doctype + "/" + docname;
const task_room = (task_id) => "task_progress:" + task_id;

const io = new Server({
	// the web server forwards only HTTP requests (long-polling), not WebSocket upgrades
	transports: conf.polling_only ? ["polling"] : ["polling", "websocket"],
	cors: { origin: true, credentials: true },
});
const realtime = io.of("/" + conf.namespace);

function hostname(url) {
	if (!url) return undefined;
	if (url.indexOf("://") > -1) url = url.split("/")[2];
	return url.indexOf(":") > -1 ? url.slice(0, url.indexOf(":")) : url;
}

// a GET on the web server as the client (its sid cookie or Authorization header)
function frappe_request(socket, path, args = {}) {
	const query = new URLSearchParams(args).toString();
	const headers = socket.authorization_header
		? { Authorization: socket.authorization_header }
		: { Cookie: `sid=${socket.sid}` };
	return fetch(conf.web_url + path + (query ? "?" + query : ""), { headers });
}

async function authenticate(socket, next) {
	const headers = socket.request.headers;
	// a page asks the realtime server of its own host (the web server forwards the Host and Origin)
	if (headers.origin && hostname(headers.host) !== hostname(headers.origin)) {
		return next(new Error("Invalid origin"));
	}
	const cookies = cookie.parse(headers.cookie || "");
	if (!cookies.sid && !headers.authorization) {
		return next(new Error("No authentication method used. Use cookie or authorization header."));
	}
	socket.sid = cookies.sid;
	socket.authorization_header = headers.authorization;
	try {
		const res = await frappe_request(socket, "/api/method/frappe.realtime.get_user_info");
		if (!res.ok) return next(new Error(`Unauthorized: HTTP ${res.status}`));
		const { message } = await res.json();
		if (!message || !message.user) return next(new Error("Unauthorized: no user"));
		socket.user = message.user;
		socket.user_type = message.user_type;
		next();
	} catch (e) {
		next(new Error(`Unauthorized: ${e}`));
	}
}

// resolves when the user may read the doctype (or the document); never rejects (Frappe's behaviour)
function has_permission(socket, doctype, name) {
	return new Promise((resolve) => {
		if (!doctype) return;
		frappe_request(socket, "/api/method/frappe.realtime.has_permission", { doctype, name: name || "" })
			.then((res) => (res.ok ? res.json() : {}))
			.then(({ message }) => message && resolve())
			.catch((err) => console.log("Can't check permissions", err));
	});
}

function notify_doc_viewers(socket, doctype, docname) {
	if (!doctype || !docname) return;
	const room = open_doc_room(doctype, docname);
	const members = socket.nsp.adapter.rooms.get(room) || new Set();
	const users = [];
	socket.nsp.sockets.forEach((s) => members.has(s.id) && users.push(s.user));
	if (users.length == 1 && users[0] == socket.user) return; // only oneself: nothing to show
	socket.nsp.to(room).emit("doc_viewers", { doctype, docname, users: [...new Set(users)] });
}

function on_connection(socket) {
	socket.join(user_room(socket.user));
	socket.join(WEBSITE_ROOM);
	if (socket.user_type == "System User") socket.join(SITE_ROOM);

	socket.on("ping", () => socket.emit("pong"));
	socket.on("doctype_subscribe", (doctype) =>
		has_permission(socket, doctype).then(() => socket.join(doctype_room(doctype)))
	);
	socket.on("doctype_unsubscribe", (doctype) => socket.leave(doctype_room(doctype)));
	socket.on("task_subscribe", (task_id) => socket.join(task_room(task_id)));
	socket.on("task_unsubscribe", (task_id) => socket.leave(task_room(task_id)));
	socket.on("progress_subscribe", (task_id) => socket.join(task_room(task_id)));
	socket.on("doc_subscribe", (doctype, docname) =>
		has_permission(socket, doctype, docname).then(() => socket.join(doc_room(doctype, docname)))
	);
	socket.on("doc_unsubscribe", (doctype, docname) => socket.leave(doc_room(doctype, docname)));
	socket.on("doc_open", (doctype, docname) =>
		has_permission(socket, doctype, docname).then(() => {
			socket.join(open_doc_room(doctype, docname));
			socket.open_docs = [...(socket.open_docs || []), [doctype, docname]];
			notify_doc_viewers(socket, doctype, docname);
		})
	);
	socket.on("doc_close", (doctype, docname) => {
		socket.leave(open_doc_room(doctype, docname));
		socket.open_docs = (socket.open_docs || []).filter(([dt, dn]) => !(dt == doctype && dn == docname));
		notify_doc_viewers(socket, doctype, docname);
	});
	socket.on("disconnect", () => {
		(socket.open_docs || []).forEach(([dt, dn]) => notify_doc_viewers(socket, dt, dn));
	});
}

realtime.use(authenticate);
realtime.on("connection", on_connection);

function relay(raw) {
	let message;
	try {
		message = JSON.parse(raw);
	} catch (e) {
		return;
	}
	if (message.site !== conf.site || message.namespace !== conf.namespace) return;
	if (message.room) {
		realtime.to(message.room).emit(message.event, message.message);
	} else {
		realtime.emit(message.event, message.message);
	}
}

(async () => {
	const subscriber = createClient({ url: conf.redis });
	subscriber.on("error", (err) => console.error("redis:", err.message));
	await subscriber.connect();
	await subscriber.subscribe("events", relay);
	io.listen(conf.port);
	// the runtime waits for this line before it tells the web server the realtime server is up
	console.log(`Realtime service listening on: ${conf.port} (site ${conf.site}, namespace /${conf.namespace})`);
})().catch((err) => {
	console.error(err);
	process.exit(1);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
	process.on(signal, () => {
		io.close();
		process.exit(0);
	});
}
