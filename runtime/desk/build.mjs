// Build the desk bundles for the dev runtime: what `bench build` does on a real bench
// (frappe/frappe esbuild/esbuild.js), for monoframe's shipped `public/` sources and each app's.
//
//   node build.mjs CONFIG.json
//   CONFIG: {"out": ".../build/assets", "production": true,
//            "apps": [{"name": "monoframe", "public": ".../site-packages/monoframe/public"}, ...]}
//
// Every `*.bundle.{js,ts,css,scss,sass}` under an app's public/ is an entry point; output goes to
// `<out>/<app>/dist/{js,css}/<name>.bundle.<HASH>.{js,css}` and `<out>/assets.json` maps
// `<name>.bundle.js` to `/assets/<app>/dist/js/<name>.bundle.<HASH>.js`, as Frappe writes it.
// The fork's half-done renames are resolved here (see DESK-FACTS / runtime/README.md fix 10).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import esbuild from "esbuild";
import vuePlugin from "esbuild-plugin-vue3";
import * as sass from "sass";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NODE_MODULES = path.join(HERE, "node_modules");
const config = JSON.parse(fs.readFileSync(process.argv[2], "utf-8"));
const OUT = path.resolve(config.out);
const PRODUCTION = Boolean(config.production);

// npm packages the fork renamed: the real packages on the registry keep Frappe's names
const RENAMED_PACKAGES = [
	[/^monoframe-charts(\/|$)/, "frappe-charts$1"],
	[/^monoframe-datatable(\/|$)/, "frappe-datatable$1"],
	[/^monoframe-gantt(\/|$)/, "frappe-gantt$1"],
	[/^monoframe-quill-image-resize(\/|$)/, "frappe-quill-image-resize$1"],
];
const renamePackage = (spec) => {
	for (const [pattern, replacement] of RENAMED_PACKAGES) {
		if (pattern.test(spec)) return spec.replace(pattern, replacement).replace(/monoframe-/g, "frappe-");
	}
	return null;
};

// import roots: the apps' parent folders ("monoframe/public/...") and our node_modules
const APP_ROOTS = [...new Set(config.apps.map((app) => path.resolve(app.public, "..", "..")))];

function findEntries(publicDir) {
	const entries = [];
	const walk = (dir) => {
		for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
			if (item.name === "node_modules" || item.name === "dist") continue;
			const full = path.join(dir, item.name);
			if (item.isDirectory()) walk(full);
			else if (/\.bundle\.(js|ts|css|scss|sass)$/.test(item.name)) entries.push(full);
		}
	};
	walk(publicDir);
	return entries.sort();
}

// `./monoframe/x` imports where the folder on disk is `frappe/`; renamed npm packages;
// `monoframe/public/node_modules/...` pointing into the app's node_modules
const forkPaths = {
	name: "fork-paths",
	setup(build) {
		build.onResolve({ filter: /^(\.\.?\/)+(.*\/)?monoframe\// }, (args) => {
			const wanted = path.join(args.resolveDir, args.path);
			if (fs.existsSync(wanted) || fs.existsSync(wanted + ".js")) return undefined;
			const renamed = args.path.replace(/(^|\/)monoframe\//, "$1frappe/");
			return build.resolve(renamed, { resolveDir: args.resolveDir, kind: args.kind });
		});
		build.onResolve({ filter: /^monoframe-/ }, (args) => {
			const renamed = renamePackage(args.path);
			if (!renamed || args.pluginData === "renamed") return undefined;
			return build.resolve(renamed, {
				resolveDir: args.resolveDir,
				kind: args.kind,
				pluginData: "renamed",
			});
		});
	},
};

// Frappe's "frappe-html" plugin: an imported .html template becomes frappe.templates[name]
const htmlTemplates = {
	name: "frappe-html",
	setup(build) {
		build.onResolve({ filter: /\.html$/ }, (args) => ({
			path: path.join(args.resolveDir, args.path),
			namespace: "frappe-html",
		}));
		build.onLoad({ filter: /.*/, namespace: "frappe-html" }, (args) => {
			const name = path.basename(args.path).split(".")[0];
			const content = fs.readFileSync(args.path, "utf-8").replace(/`/g, "\\`");
			return { contents: `\n\tfrappe.templates['${name}'] = \`${content}\`;\n` };
		});
	},
};

// sass importer: `~pkg` and `monoframe/public/node_modules/pkg` from node_modules, the fork's
// `monoframe_datatable` / `monoframe_gantt` partials (files named frappe_*), `app/public/...`
function sassFileUrl(url, fromDir) {
	let spec = url.replace(/^~/, "");
	spec = spec.replace(/^[a-z_]+\/public\/node_modules\//, "");
	const candidates = [];
	const renamedPartial = spec.replace(/(^|\/)monoframe_(datatable|gantt)$/, "$1frappe_$2");
	if (fromDir) candidates.push(path.join(fromDir, renamedPartial));
	candidates.push(path.join(NODE_MODULES, spec));
	const pkg = renamePackage(spec);
	if (pkg) candidates.push(path.join(NODE_MODULES, pkg));
	for (const root of APP_ROOTS) candidates.push(path.join(root, spec));
	for (const base of candidates) {
		for (const file of [base, base + ".scss", base + ".css", path.join(path.dirname(base), "_" + path.basename(base) + ".scss")]) {
			if (fs.existsSync(file) && fs.statSync(file).isFile()) return pathToFileURL(file);
		}
	}
	return null;
}

const sassImporter = {
	findFileUrl(url, context) {
		const fromDir = context && context.containingUrl ? path.dirname(fileURLToPath(context.containingUrl)) : null;
		return sassFileUrl(url, fromDir);
	},
};

const sassOptions = (file) => ({
	loadPaths: [path.dirname(file), NODE_MODULES, ...APP_ROOTS],
	importers: [sassImporter],
	quietDeps: true,
	silenceDeprecations: ["import", "global-builtin", "mixed-decls", "color-functions", "slash-div"],
	logger: sass.Logger.silent,
});

// style entry points: sass compiles, esbuild bundles; url()s stay as written (they are
// `/assets/...` paths, as in Frappe's ignore-assets plugin)
const styles = {
	name: "styles",
	setup(build) {
		build.onResolve({ filter: /.*/ }, (args) => {
			if (args.kind === "url-token") return { path: args.path, external: true };
			if (args.kind !== "import-rule") return undefined;
			// plain-CSS @imports sass leaves in place resolve as sass imports do
			const url = sassFileUrl(args.path, args.resolveDir);
			return url ? { path: fileURLToPath(url) } : undefined;
		});
		build.onLoad({ filter: /\.(scss|sass)$/ }, (args) => {
			const result = sass.compile(args.path, sassOptions(args.path));
			return {
				contents: result.css,
				loader: "css",
				resolveDir: path.dirname(args.path),
				watchFiles: result.loadedUrls.map((u) => fileURLToPath(u)),
			};
		});
	},
};

// The fork's page script creates `window.monoframe`, while some of its Vue templates and every
// app's desk JS say `frappe.`: one object under both names, and `frappe` in Vue templates too
// (libs.bundle's SetVueGlobals gives them only `monoframe`).
const GLOBALS_BANNER = "window.frappe = window.monoframe = window.monoframe || window.frappe || {};";
// Runtime fix 17: a form reloaded once the user has left it (the debounced reload that a realtime
// `doc_update` schedules, e.g. when an action on the form changed it and moved to another document)
// redraws its header, whose breadcrumbs then read the *current* route's name under the left form's
// DocType and throw on the missing document. A form that is not the current one is only dropped from
// the cache, as model.js does for documents not on screen; it is loaded afresh when opened again.
const LEFT_FORM_RELOAD_FOOTER = `(() => {
	const Form = window.monoframe && monoframe.ui && monoframe.ui.form && monoframe.ui.form.Form;
	if (!Form || Form.prototype.reload_doc.xinquLeftForm) return;
	const reload_doc = Form.prototype.reload_doc;
	Form.prototype.reload_doc = function () {
		const route = monoframe.get_route() || [];
		if (route[0] !== "Form" || route[1] !== this.doctype || route.slice(2).join("/") !== this.docname) {
			if (this.doc && !this.doc.__islocal) monoframe.model.remove_from_locals(this.doctype, this.docname);
			return Promise.resolve();
		}
		return reload_doc.call(this);
	};
	Form.prototype.reload_doc.xinquLeftForm = true;
})();`;
const VUE_GLOBAL_FOOTER = `(() => {
	const set = window.SetVueGlobals;
	if (!set || set.xinquFrappeGlobal) return;
	window.SetVueGlobals = (app) => { set(app); app.config.globalProperties.frappe = window.frappe; };
	window.SetVueGlobals.xinquFrappeGlobal = true;
})();
${LEFT_FORM_RELOAD_FOOTER}`;

// A Vue SFC's `@import "pkg/x.css"` (WorkflowBuilder.vue: vue-flow's styles; ImageCropper.vue:
// cropper's) would be injected as-is and fetched from the page's origin, or, inlined, be scoped to
// the component and miss the package's own elements. Take the package's CSS out of the scoped style
// and inject it unscoped with the bundles that contain the component (see injectPackageCss).
const packageCssOf = new Map(); // .vue file → Map(css file → text)
const inlineCssImports = {
	postcssPlugin: "package-css-imports",
	AtRule: {
		import(rule, { result }) {
			const spec = rule.params.replace(/^url\(|\)$/g, "").replace(/^["']|["']$/g, "");
			const url = /^(\/|https?:)/.test(spec) ? null : sassFileUrl(spec, null);
			if (!url) return;
			const vueFile = (result.opts.from || "").split("?")[0];
			if (!packageCssOf.has(vueFile)) packageCssOf.set(vueFile, new Map());
			packageCssOf.get(vueFile).set(fileURLToPath(url), fs.readFileSync(url, "utf-8"));
			rule.remove();
		},
	},
};

function injectPackageCss(result) {
	for (const [output, info] of Object.entries(result.metafile.outputs)) {
		if (!info.entryPoint || !output.endsWith(".js")) continue;
		const css = new Map();
		for (const input of Object.keys(info.inputs)) {
			const file = path.resolve(input.replace(/^[a-z-]+:/, "").split("?")[0]);
			for (const [vueFile, sheets] of packageCssOf) {
				if (path.resolve(vueFile) === file) for (const [name, text] of sheets) css.set(name, text);
			}
		}
		if (!css.size) continue;
		const text = [...css.values()].join("\n");
		const inject = `(()=>{const s=document.createElement("style");s.textContent=${JSON.stringify(text)};document.head.prepend(s);})();\n`;
		fs.writeFileSync(output, inject + fs.readFileSync(output, "utf-8"));
	}
}

const common = {
	bundle: true,
	metafile: true,
	minify: PRODUCTION,
	sourcemap: !PRODUCTION,
	outdir: OUT,
	entryNames: "[dir]/[name].[hash]",
	nodePaths: [NODE_MODULES, ...APP_ROOTS],
	logLevel: "warning",
	logOverride: { "commonjs-variable-in-esm": "silent", "equals-negative-zero": "silent", "direct-eval": "silent" },
	define: { "process.env.NODE_ENV": JSON.stringify(PRODUCTION ? "production" : "development") },
	loader: { ".png": "dataurl", ".svg": "text", ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".gif": "dataurl" },
};

async function buildApp(app) {
	const js = {};
	const css = {};
	for (const file of findEntries(app.public)) {
		const ext = path.extname(file);
		const name = path.basename(file, ext);
		if ([".js", ".ts"].includes(ext)) js[path.join(app.name, "dist", "js", name)] = file;
		else css[path.join(app.name, "dist", "css", name)] = file;
	}
	const builds = [];
	if (Object.keys(js).length) {
		builds.push(
			esbuild.build({
				...common,
				entryPoints: js,
				banner: { js: GLOBALS_BANNER },
				footer: { js: VUE_GLOBAL_FOOTER },
				plugins: [
					forkPaths,
					htmlTemplates,
					vuePlugin({
						cssInline: true,
						postcss: { plugins: [inlineCssImports] },
						// the plugin passes old-style sass options (includePaths, importer array) that
						// sass 1.77 rejects: give it the new-style ones
						preprocessorOptions: { includePaths: undefined, importer: undefined, ...sassOptions(app.public) },
					}),
				],
			}),
		);
	}
	if (Object.keys(css).length) {
		builds.push(esbuild.build({ ...common, entryPoints: css, plugins: [styles] }));
	}
	return Promise.all(builds);
}

function assetsJson(results) {
	const out = {};
	for (const result of results) {
		for (const [output, info] of Object.entries(result.metafile.outputs)) {
			if (!info.entryPoint || output.endsWith(".map")) continue;
			let key = path.basename(info.entryPoint).replace(/\.(scss|sass)$/, ".css").replace(/\.ts$/, ".js");
			out[key] = "/assets/" + path.relative(OUT, path.resolve(output)).split(path.sep).join("/");
		}
	}
	// the fork's templates ask for renamed bundles whose sources kept Frappe's names (base.html's
	// include_script('monoframe-web.bundle.js') is frappe-web.bundle.js: without it no page of the
	// website — /login among them — gets the web bundle, and the login form posts nothing)
	for (const key of Object.keys(out)) {
		const renamed = key.replace(/^frappe-/, "monoframe-");
		if (renamed !== key && !(renamed in out)) out[renamed] = out[key];
	}
	return out;
}

const started = Date.now();
for (const app of config.apps) {
	fs.rmSync(path.join(OUT, app.name, "dist"), { recursive: true, force: true });
}
const results = (await Promise.all(config.apps.map(buildApp))).flat();
results.forEach(injectPackageCss);
const manifest = assetsJson(results);
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, "assets.json"), JSON.stringify(manifest, null, 4));
const errors = results.reduce((n, r) => n + r.errors.length, 0);
console.log(`built ${Object.keys(manifest).length} bundles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(errors ? 1 : 0);
