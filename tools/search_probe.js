#!/usr/bin/env node
/*
 * Types queries into the search box of a page rbc built, in headless
 * Chromium, from file://, driven over the DevTools protocol on a pipe (no
 * npm package needed).  Each query in a fresh page, so that every part
 * of the index it needs is loaded for it.  Prints one JSON line a query:
 *
 *   {"query", "ms": keystroke to results shown, "status", "results":
 *    [{"href", "title", "where"}], "bytes": index bytes loaded (index.js
 *    and the parts), "files": how many}
 *
 * Usage: node tools/search_probe.js PAGE.html QUERY...
 * Exit 2 if Chromium cannot be driven.
 */
"use strict";
var cp = require("child_process");
var fs = require("fs");
var os = require("os");
var path = require("path");
var url = require("url");

var page = path.resolve(process.argv[2] || "");
var queries = process.argv.slice(3);
var chrome = process.env.CHROMIUM || "chromium";
var prof = fs.mkdtempSync(path.join(os.tmpdir(), "rbc-probe-"));
var proc = cp.spawn(chrome, ["--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--user-data-dir=" + prof,
    "--remote-debugging-pipe", "about:blank"],
    { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
var out = proc.stdio[3], inp = proc.stdio[4];
var nextId = 1, pending = {}, listeners = [], buf = Buffer.alloc(0);

function bail(msg) {
	process.stderr.write("search_probe: " + msg + "\n");
	try { proc.kill("SIGKILL"); } catch (e) { /* gone */ }
	fs.rmSync(prof, { recursive: true, force: true });
	process.exit(2);
}
var timer = setTimeout(function () { bail("timed out"); }, 120000);
proc.on("error", function (e) { bail(String(e)); });

inp.on("data", function (d) {
	var i, msg;
	buf = Buffer.concat([buf, d]);
	while ((i = buf.indexOf(0)) >= 0) {
		msg = JSON.parse(buf.slice(0, i).toString("utf8"));
		buf = buf.slice(i + 1);
		if (msg.id && pending[msg.id]) {
			var p = pending[msg.id];
			delete pending[msg.id];
			if (msg.error)
				p.reject(new Error(JSON.stringify(msg.error)));
			else
				p.resolve(msg.result);
		} else if (msg.method)
			listeners.forEach(function (l) { l(msg); });
	}
});

function send(method, params, session) {
	var id = nextId++;
	var m = { id: id, method: method, params: params || {} };
	if (session)
		m.sessionId = session;
	out.write(JSON.stringify(m) + "\0");
	return new Promise(function (resolve, reject) {
		pending[id] = { resolve: resolve, reject: reject };
	});
}

function once(method, session) {
	return new Promise(function (resolve) {
		var l = function (m) {
			if (m.method === method && m.sessionId === session) {
				listeners.splice(listeners.indexOf(l), 1);
				resolve(m.params);
			}
		};
		listeners.push(l);
	});
}

async function evaluate(session, expr) {
	var r = await send("Runtime.evaluate", { expression: expr,
	    awaitPromise: true, returnByValue: true }, session);
	if (r.exceptionDetails)
		throw new Error(JSON.stringify(r.exceptionDetails));
	return r.result.value;
}

/* Waits in the page for the search box, then arms the clock: the input
 * event's time is the keystroke's, and the status line is written last
 * when results are shown. */
var ARM = "new Promise(function (res) {" +
    " var n = 0; (function wait() {" +
    "  var b = document.getElementById('rbc-search');" +
    "  if (b && !b.hidden) {" +
    "   var i = document.getElementById('rbc-search-input');" +
    "   var st = document.getElementById('rbc-search-status');" +
    "   window.__probe = new Promise(function (done) {" +
    "    var t0 = null;" +
    "    i.addEventListener('input', function (e) { if (t0 === null) t0 = performance.now(); });" +
    "    new MutationObserver(function () {" +
    "     if (t0 === null || st.textContent === '') return;" +
    "     var t1 = performance.now();" +
    "     var r = [].map.call(document.querySelectorAll('#rbc-search-results .search-result'), function (li) {" +
    "      var w = li.querySelector('.search-result-heading');" +
    "      var a = document.createElement('a'); a.href = window.__href(li);" +
    "      return { title: li.querySelector('.search-result-title').textContent," +
    "       where: w ? w.textContent : '', href: a.href }; });" +
    "     done({ ms: t1 - t0, status: st.textContent, results: r," +
    "      scripts: [].map.call(document.scripts, function (s) { return s.src; }) });" +
    "    }).observe(st, { childList: true, characterData: true, subtree: true });" +
    "   });" +
    "   i.focus(); res(true);" +
    "  } else if (++n > 200) res(false); else setTimeout(wait, 10);" +
    " })(); })";

/* A result's href: the page it opens, read by clicking with the
 * navigation stopped. */
var HREF = "window.__href = function (li) { var u = null, o = window.open;" +
    " window.open = function (x) { u = x; return null; };" +
    " var ev = new MouseEvent('click', { bubbles: true, ctrlKey: true });" +
    " li.dispatchEvent(ev); window.open = o; return u || ''; };";

async function probe(q) {
	var t = await send("Target.createTarget", { url: "about:blank" });
	var a = await send("Target.attachToTarget", { targetId: t.targetId,
	    flatten: true });
	var s = a.sessionId;
	await send("Page.enable", {}, s);
	var loaded = once("Page.loadEventFired", s);
	await send("Page.navigate", { url: url.pathToFileURL(page).href }, s);
	await loaded;
	await evaluate(s, HREF);
	if (!await evaluate(s, ARM))
		throw new Error("the search box never showed");
	await send("Input.insertText", { text: q }, s);
	var r = await evaluate(s, "window.__probe");
	var bytes = 0, files = 0;
	r.scripts.forEach(function (src) {
		if (!/\/search\/[^\/]*\.js$/.test(src))
			return;
		try {
			bytes += fs.statSync(url.fileURLToPath(src)).size;
			files++;
		} catch (e) { /* not a file */ }
	});
	await send("Target.closeTarget", { targetId: t.targetId });
	return { query: q, ms: Math.round(r.ms * 10) / 10, status: r.status,
	    results: r.results.map(function (x) {
		return { href: x.href.replace(/^.*\/html\//, ""), title: x.title,
		    where: x.where };
	    }), bytes: bytes, files: files };
}

(async function () {
	try {
		for (var i = 0; i < queries.length; i++)
			process.stdout.write(JSON.stringify(await probe(queries[i])) + "\n");
	} catch (e) {
		bail(String(e && e.stack || e));
	}
	clearTimeout(timer);
	try { await send("Browser.close"); } catch (e) { /* closing */ }
	proc.kill("SIGKILL");
	fs.rmSync(prof, { recursive: true, force: true });
	process.exit(0);
})();
