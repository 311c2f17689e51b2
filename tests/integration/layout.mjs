// Measures a page's layout in headless Chromium (cdp.mjs), and takes
// screenshots of it.
//
//   node layout.mjs CHROMIUM OUTDIR URL...
//
// For each page (N from 1) and view (1280 px and 390 px wide, light and
// dark), writes OUTDIR/N-VIEW.png and prints one line of JSON: what the
// page's own measure() below found.  On a phone it also writes
// OUTDIR/N-phone-K.png, each table's section.  Exits 1 on any protocol
// error, 2 on a time-out.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch } from "./cdp.mjs";

const [chromium, outdir, ...urls] = process.argv.slice(2);
if (!chromium || !outdir || urls.length === 0) {
	console.error("usage: node layout.mjs CHROMIUM OUTDIR URL...");
	process.exit(64);
}

const views = [
	{ name: "desktop", width: 1280, height: 800, mobile: false, dark: false },
	{ name: "desktop-dark", width: 1280, height: 800, mobile: false, dark: true },
	{ name: "phone", width: 390, height: 844, mobile: true, dark: false },
	{ name: "phone-dark", width: 390, height: 844, mobile: true, dark: true },
];

// Runs in the page: what the test checks.  Everything in CSS pixels.
function measure() {
	const vw = document.documentElement.clientWidth;
	const vh = window.innerHeight;
	const r = (e) => e.getBoundingClientRect();
	const box = document.querySelector(".oncall");
	const out = {
		viewport: [vw, vh],
		// The page itself never scrolls sideways.
		pageOverflow: document.documentElement.scrollWidth - vw,
		box: null,
		tables: [],
		tels: [],
	};
	if (box) {
		const b = r(box);
		const tel = box.querySelector('a[href^="tel:"]');
		out.box = {
			top: Math.round(b.top), bottom: Math.round(b.bottom),
			telBottom: tel ? Math.round(r(tel).bottom) : null,
			tel: tel ? tel.textContent : null,
		};
	}
	// A table overflows when it is wider than its container, or when
	// it (or its wrapper) has content it would have to scroll to show.
	for (const t of document.querySelectorAll("main table")) {
		const c = t.parentElement;
		const tr = r(t), cr = r(c);
		let scroll = Math.max(t.scrollWidth - t.clientWidth,
		    c.classList.contains("table-wrap") ?
		    c.scrollWidth - c.clientWidth : 0);
		out.tables.push({
			cls: t.className || "(body)",
			over: Math.max(Math.round(tr.right - cr.right), 0,
			    Math.round(r(document.querySelector("main")).left - tr.left)),
			scroll,
			right: Math.round(tr.right),
		});
	}
	// What sticks out past the page's right edge, for the report.
	out.wide = [];
	for (const e of document.querySelectorAll("body *"))
		if (r(e).right > vw + 0.5 && out.wide.length < 5 &&
		    !e.closest("pre, .visually-hidden"))
			out.wide.push(`${e.tagName.toLowerCase()}.${e.className}` +
			    ` ${Math.round(r(e).right)}: ` +
			    e.textContent.slice(0, 40).replace(/\s+/g, " "));
	// A phone number is one line: never broken mid-number.
	for (const a of document.querySelectorAll('main a[href^="tel:"]'))
		out.tels.push({ text: a.textContent, lines: new Set(
		    Array.from(a.getClientRects(), (x) => Math.round(x.top))).size });
	return out;
}

// Writes OUTDIR/VIEW-N.png: each generated section, and the first table
// of the body, as the page shows them.
async function sections(s, name) {
	const res = await send("Runtime.evaluate", { returnByValue: true,
	    expression: `Array.from(document.querySelectorAll(
		".rbc-section, .doc-body .table"), (e) => {
		const r = e.getBoundingClientRect();
		return [r.left, r.top + scrollY, r.width, r.height];
	    })` }, s);
	let n = 0;
	for (const [x, y, width, height] of res.result.value) {
		const shot = await send("Page.captureScreenshot", {
			format: "png", captureBeyondViewport: true,
			clip: { x, y, width, height: Math.min(height, 1600),
			scale: 1 } }, s);
		writeFileSync(join(outdir, `${name}-${++n}.png`),
		    Buffer.from(shot.data, "base64"));
	}
}

const { send, once, finish, page } = launch(chromium, "layout.mjs", 120);

try {
	const s = await page();
	for (const [i, url] of urls.entries()) {
		for (const v of views) {
			const name = `${i + 1}-${v.name}`;
			await send("Emulation.setDeviceMetricsOverride", {
				width: v.width, height: v.height, deviceScaleFactor: 1,
				mobile: v.mobile }, s);
			await send("Emulation.setEmulatedMedia", { media: "screen",
				features: [{ name: "prefers-color-scheme",
				value: v.dark ? "dark" : "light" }] }, s);
			const loaded = once("Page.loadEventFired", s);
			await send("Page.navigate", { url }, s);
			await loaded;
			const res = await send("Runtime.evaluate", {
				expression: `(${measure.toString()})()`,
				returnByValue: true }, s);
			if (res.exceptionDetails)
				throw new Error(JSON.stringify(res.exceptionDetails));
			const shot = await send("Page.captureScreenshot",
			    { format: "png" }, s);
			writeFileSync(join(outdir, `${name}.png`),
			    Buffer.from(shot.data, "base64"));
			console.log(JSON.stringify({ url, view: v.name,
			    ...res.result.value }));
			// On a phone, the tables too: one picture of each section.
			if (v.mobile && !v.dark)
				await sections(s, name);
		}
	}
	finish(0);
} catch (e) {
	console.error(`layout.mjs: ${e.message}`);
	finish(1);
}
