// Back to a long site page in headless Chromium (cdp.mjs): the reader
// scrolls the index to a row far down, follows that row's link, comes
// back, and the row must be where it was.
//
//   node back.mjs CHROMIUM INDEX-URL ROW...
//
// For each view (1280 px and 390 px wide) and each ROW (a 0-based row of
// the index's runbook links), prints one line of JSON: the link's top
// before the click and after Back (100 ms and 1.5 s after), in CSS
// pixels from the top of the screen.  Exits 1 on any protocol error, 2
// on a time-out.
import { launch } from "./cdp.mjs";

const [chromium, index, ...rows] = process.argv.slice(2);
if (!chromium || !index || rows.length === 0) {
	console.error("usage: node back.mjs CHROMIUM INDEX-URL ROW...");
	process.exit(64);
}

const views = [
	{ name: "desktop", width: 1280, height: 800, mobile: false },
	{ name: "phone", width: 390, height: 844, mobile: true },
];

const { send, once, finish, page } = launch(chromium, "back.mjs", 120);

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function value(expression, s) {
	const res = await send("Runtime.evaluate", { expression,
	    returnByValue: true }, s);
	if (res.exceptionDetails)
		throw new Error(JSON.stringify(res.exceptionDetails));
	return res.result.value;
}

// The top of row k's link, and (with click) the point to click it at.
const top = (k) => `(() => {
	const a = document.querySelectorAll("a.rb-title")[${k}];
	const r = a.getClientRects()[0];
	return { top: Math.round(r.top), x: r.left + 2,
	    y: r.top + r.height / 2, vh: innerHeight };
})()`;

try {
	const s = await page();
	for (const v of views) {
		await send("Emulation.setDeviceMetricsOverride", {
			width: v.width, height: v.height, deviceScaleFactor: 1,
			mobile: v.mobile }, s);
		for (const k of rows) {
			let loaded = once("Page.loadEventFired", s);
			await send("Page.navigate", { url: index }, s);
			await loaded;
			// The row a third of the way down the screen, scrolled to
			// as a reader would: a wheel at a time.
			await value(`document.querySelectorAll("a.rb-title")
			    [${k}].scrollIntoView()`, s);
			await value(`scrollBy(0, -innerHeight / 3)`, s);
			await sleep(400);
			const before = await value(top(k), s);
			loaded = once("Page.loadEventFired", s);
			for (const type of ["mousePressed", "mouseReleased"])
				await send("Input.dispatchMouseEvent", { type,
				    x: before.x, y: before.y, button: "left",
				    clickCount: 1 }, s);
			await loaded;
			const h = await send("Page.getNavigationHistory", {}, s);
			// Reloaded or from the back-forward cache: either way
			// the frame navigates.
			const back = once("Page.frameNavigated", s);
			await send("Page.navigateToHistoryEntry", { entryId:
			    h.entries[h.currentIndex - 1].id }, s);
			await back;
			await sleep(100);
			const soon = await value(top(k), s);
			await sleep(1400);
			const later = await value(top(k), s);
			console.log(JSON.stringify({ view: v.name, row: Number(k),
			    before: before.top, soon: soon.top, later: later.top,
			    vh: before.vh }));
		}
	}
	finish(0);
} catch (e) {
	console.error(`back.mjs: ${e.message}`);
	finish(1);
}
