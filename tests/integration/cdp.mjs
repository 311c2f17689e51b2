// Headless Chromium driven over the DevTools protocol through a pipe
// (--remote-debugging-pipe: no port, no package from npm), for the
// browser tests (layout.mjs, back.mjs).
//
//   const b = launch(CHROMIUM, "NAME", SECONDS);
//   const s = await b.page();	// a new tab's session, Page events on
//   const result = await b.send(method, params, sessionId);
//   const params = await b.once(event, sessionId);
//   b.finish(code);	// kills Chromium, removes its profile, exits
//
// After SECONDS, NAME says so on standard error and the process exits 2.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function launch(chromium, name, seconds) {
	const prof = mkdtempSync(join(tmpdir(), `rbc-${name}-`));
	const child = spawn(chromium, ["--headless", "--no-sandbox",
	    "--disable-gpu", "--disable-background-networking",
	    "--disable-component-update", "--disable-sync", "--no-first-run",
	    "--no-default-browser-check", "--hide-scrollbars",
	    "--remote-debugging-pipe", `--user-data-dir=${prof}`,
	    "about:blank"],
	    { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
	const toBrowser = child.stdio[3], fromBrowser = child.stdio[4];
	let seq = 0, inbuf = "";
	const waiting = new Map(), listeners = [];

	fromBrowser.on("data", (d) => {
		inbuf += d.toString("utf8");
		let i;
		while ((i = inbuf.indexOf("\0")) >= 0) {
			const msg = JSON.parse(inbuf.slice(0, i));
			inbuf = inbuf.slice(i + 1);
			if (msg.id !== undefined && waiting.has(msg.id)) {
				const { ok, no } = waiting.get(msg.id);
				waiting.delete(msg.id);
				if (msg.error)
					no(new Error(JSON.stringify(msg.error)));
				else
					ok(msg.result);
			} else
				for (const l of listeners.slice())
					l(msg);
		}
	});

	function send(method, params = {}, sessionId) {
		const id = ++seq;
		const m = { id, method, params };
		if (sessionId)
			m.sessionId = sessionId;
		toBrowser.write(JSON.stringify(m) + "\0");
		return new Promise((ok, no) => waiting.set(id, { ok, no }));
	}

	function once(method, sessionId) {
		return new Promise((ok) => {
			const l = (m) => {
				if (m.method === method &&
				    m.sessionId === sessionId) {
					listeners.splice(listeners.indexOf(l), 1);
					ok(m.params);
				}
			};
			listeners.push(l);
		});
	}

	function finish(code) {
		clearTimeout(timer);
		child.kill("SIGKILL");
		try {
			rmSync(prof, { recursive: true, force: true });
		} catch (e) {
			// Chromium may still be writing its profile; it is in
			// TMP.
		}
		process.exit(code);
	}

	const timer = setTimeout(() => {
		console.error(`${name}: Chromium took more than ${seconds} s`);
		finish(2);
	}, seconds * 1000);

	async function page() {
		const { targetId } = await send("Target.createTarget",
		    { url: "about:blank" });
		const { sessionId } = await send("Target.attachToTarget",
		    { targetId, flatten: true });
		await send("Page.enable", {}, sessionId);
		return sessionId;
	}

	return { send, once, finish, page };
}
