/*
 * rbc search: client-side search over the index rbc writes in
 * _rbc/search/ (the format is in rbc's src/search.c).  index.js, loaded
 * before this file, defines window.RBC_SEARCH_INDEX: which runbooks each
 * doc part holds and the first word of each word part.  The parts are
 * scripts, loaded as a query needs them by adding a <script> element
 * (nothing can be fetched from file://); each calls rbcSearchPart.
 * No dependencies, ES5.  The index is treated as untrusted: results are
 * built with DOM nodes and textContent only, and a result URL must be
 * relative (no scheme, no "//").
 *
 * A query's words are split as rbc splits text; every word must match
 * (the start of) a word of the runbook.  Ranking: a word in the title,
 * then in a heading, alert, metric or person's name, then in a command,
 * tag or service, then the summary, then the body.
 */
(function () {
	"use strict";

	var MAX_RESULTS = 20;
	var SNIPPET = 140;

	var box = document.getElementById("rbc-search");
	var input = document.getElementById("rbc-search-input");
	var list = document.getElementById("rbc-search-results");
	var status = document.getElementById("rbc-search-status");
	if (!box || !input || !list)
		return;

	var meta = window.RBC_SEARCH_INDEX;
	if (!meta || typeof meta.n !== "number" || !isArr(meta.d) || !isArr(meta.t))
		return;

	var root = document.documentElement.getAttribute("data-root");
	if (root === null && document.body)
		root = document.body.getAttribute("data-root");
	root = root || "";

	/* The parts lie in search/ beside this script. */
	var me = document.currentScript;
	var base = me && me.src ? me.src.replace(/[^\/]*$/, "") + "search/" :
	    root + "_rbc/search/";

	function isArr(v) {
		return Object.prototype.toString.call(v) === "[object Array]";
	}

	function str(v) {
		return typeof v === "string" ? v : (v === null || v === undefined ? "" : String(v));
	}

	function strs(v) {
		var out = [], i;
		if (!isArr(v))
			return out;
		for (i = 0; i < v.length; i++)
			out.push(str(v[i]));
		return out;
	}

	/* Only ASCII is lower-cased, as rbc does when it writes the index. */
	function lower(s) {
		return s.replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); });
	}

	/* A URL from the index is usable only if it is relative to the root. */
	function safeHref(u) {
		u = str(u);
		if (u === "" || /^[a-z][a-z0-9+.\-]*:/i.test(u) || /^[\/\\]/.test(u))
			return null;
		return root + u;
	}

	/* ---------------------------------------------------- words */

	function isCJK(c) {
		return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
		    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) ||
		    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff);
	}

	function isSep(c) {
		return (c >= 0x80 && c <= 0xbf) || c === 0xd7 || c === 0xf7 ||
		    (c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) ||
		    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff0f) ||
		    (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40) ||
		    (c >= 0xff5b && c <= 0xff65) || c === 0xfeff || c === 0xfffd ||
		    c === 0x061c || (c >= 0xd800 && c <= 0xdfff);
	}

	function isWord(c) {
		return c === 95 || (c >= 48 && c <= 57) || (c >= 97 && c <= 122) ||
		    (c >= 65 && c <= 90) || (c >= 0x80 && !isSep(c));
	}

	/* The words of a query, split as rbc splits text (src/terms.c). */
	function words(q) {
		var out = [], w = "", wc = 0, prev = "", cn = 0, i = 0, c, ch, n;
		q = lower(q);
		function end() {
			if (wc >= 2)
				out.push(w);
			w = "";
			wc = 0;
		}
		while (i <= q.length) {
			if (i === q.length) {
				c = 32;
				ch = " ";
			} else {
				c = q.charCodeAt(i);
				ch = q.charAt(i);
				if (c >= 0xd800 && c <= 0xdbff && i + 1 < q.length) {
					n = q.charCodeAt(i + 1);
					if (n >= 0xdc00 && n <= 0xdfff) {
						c = 0x10000 + ((c - 0xd800) << 10) + (n - 0xdc00);
						ch = q.substr(i, 2);
					}
				}
			}
			i += ch.length;
			if (isCJK(c)) {
				end();
				if (cn > 0)
					out.push(prev + ch);
				prev = ch;
				cn++;
				continue;
			}
			if (cn === 1)
				out.push(prev);
			cn = 0;
			if (isWord(c)) {
				w += ch;
				wc++;
			} else
				end();
		}
		return out;
	}

	/* Code point order, the order rbc sorts words in. */
	function unit(u) {
		return u >= 0xd800 && u <= 0xdfff ? u + 0x2000 : u >= 0xe000 ? u - 0x800 : u;
	}

	function cmp(a, b) {
		var n = Math.min(a.length, b.length), i, x, y;
		for (i = 0; i < n; i++) {
			x = unit(a.charCodeAt(i));
			y = unit(b.charCodeAt(i));
			if (x !== y)
				return x < y ? -1 : 1;
		}
		return a.length - b.length;
	}

	/* ---------------------------------------------------- parts */

	var parts = {};   /* "t3" -> {data, keys, waiting: [functions]} */

	window.rbcSearchPart = function (kind, k, data) {
		var p = parts[str(kind) + k];
		if (!p || p.done)
			return;
		p.data = data;
		done(p);
	};

	function done(p) {
		var w = p.waiting, i;
		p.done = true;
		p.waiting = [];
		for (i = 0; i < w.length; i++)
			w[i]();
	}

	/* Calls fn once every part of keys is loaded (or failed to). */
	function need(keys, fn) {
		var left = 1, i;
		function one() {
			if (--left === 0)
				fn();
		}
		for (i = 0; i < keys.length; i++) {
			var p = parts[keys[i]];
			if (p && p.done)
				continue;
			left++;
			if (!p) {
				p = parts[keys[i]] = { done: false, data: null, waiting: [] };
				var s = document.createElement("script");
				s.src = base + keys[i] + ".js";
				s.onerror = (function (q) {
					return function () { if (!q.done) done(q); };
				})(p);
				document.head.appendChild(s);
			}
			p.waiting.push(one);
		}
		one();
	}

	/* The last index i with first[i] <= w by f (first[0] is the least). */
	function partOf(first, w, f) {
		var lo = 0, hi = first.length - 1, mid;
		while (lo < hi) {
			mid = (lo + hi + 1) >> 1;
			if (f(first[mid], w) <= 0)
				lo = mid;
			else
				hi = mid - 1;
		}
		return lo;
	}

	/* The word parts that can hold words beginning with w: eight at most
	 * (a word found in many runbooks begins a part of its own). */
	function termParts(w) {
		var t = meta.t, i, out = [];
		if (t.length === 0)
			return out;
		i = partOf(t, w, cmp);
		out.push(i);
		while (i + 1 < t.length && out.length < 8 && str(t[i + 1]).indexOf(w) === 0)
			out.push(++i);
		return out;
	}

	function docPart(doc) {
		return partOf(meta.d, doc, function (a, b) { return a - b; });
	}

	function sortedKeys(p) {
		if (!p.keys) {
			p.keys = p.data && typeof p.data === "object" ? Object.keys(p.data) : [];
			p.keys.sort(cmp);
		}
		return p.keys;
	}

	var WEIGHT = [100, 40, 40, 40, 40, 30, 30, 30, 15, 10];
	var MAX_EXPAND = 400;

	/* doc -> {s: score, f: field, t: word} for one query word. */
	function wordHits(w) {
		var hits = {}, ps = termParts(w), k, keys, i, j, t, post, doc, v, f, sc, h, seen = 0;
		for (k = 0; k < ps.length && seen < MAX_EXPAND; k++) {
			var p = parts["t" + ps[k]];
			if (!p || !p.data)
				continue;
			keys = sortedKeys(p);
			i = partOf(keys, w, cmp);
			if (i < keys.length && cmp(keys[i], w) < 0)
				i++;
			for (; i < keys.length && seen < MAX_EXPAND; i++) {
				t = keys[i];
				if (t.indexOf(w) !== 0)
					break;
				if (cmp(t, w) < 0)
					continue;
				seen++;
				post = p.data[t];
				if (!isArr(post))
					continue;
				doc = 0;
				for (j = 0; j < post.length; j++) {
					v = post[j];
					if (typeof v !== "number")
						break;
					doc += Math.floor(v / 16);
					f = v % 16;
					sc = (WEIGHT[f] || 1) * (t === w ? 1 : 0.75);
					h = hits[doc];
					if (!h || sc > h.s || (sc === h.s && f < h.f))
						hits[doc] = { s: sc, f: f, t: t };
				}
			}
		}
		return hits;
	}

	/* The runbooks that have every word, best first. */
	function rank(ws) {
		var per = [], k, d, res = [], total, i, best, h;
		for (k = 0; k < ws.length; k++)
			per.push(wordHits(ws[k]));
		if (per.length === 0)
			return res;
		for (d in per[0]) {
			if (!Object.prototype.hasOwnProperty.call(per[0], d))
				continue;
			total = 0;
			best = null;
			for (k = 0; k < per.length; k++) {
				h = per[k][d];
				if (!h)
					break;
				total += h.s;
				if (h.f > 0 && (!best || h.f < best.f))
					best = h;
			}
			if (k === per.length)
				res.push({ doc: +d, score: total, hit: best });
		}
		res.sort(function (a, b) {
			return b.score !== a.score ? b.score - a.score : a.doc - b.doc;
		});
		return res;
	}

	function entry(doc) {
		var p = parts["d" + docPart(doc)], e;
		if (!p || !isArr(p.data))
			return null;
		e = p.data[doc - meta.d[docPart(doc)]];
		if (!isArr(e))
			return null;
		var d = {
			title: str(e[0]),
			href: safeHref(e[1]),
			service: str(e[2]),
			summary: str(e[3]),
			headings: strs(e[4]),
			alerts: strs(e[5]),
			shown: strs(e[6])
		};
		return d.href === null || d.title === "" ? null : d;
	}

	function search(q, fn) {
		var ws = words(q), keys = [], k, seen = {};
		if (ws.length === 0) {
			fn({ terms: ws, items: [], total: 0 });
			return;
		}
		for (k = 0; k < ws.length; k++)
			termParts(ws[k]).forEach(function (i) {
				if (!seen["t" + i]) {
					seen["t" + i] = 1;
					keys.push("t" + i);
				}
			});
		need(keys, function () {
			var res = rank(ws), top = res.slice(0, MAX_RESULTS), dk = [], dseen = {};
			top.forEach(function (r) {
				var key = "d" + docPart(r.doc);
				if (!dseen[key]) {
					dseen[key] = 1;
					dk.push(key);
				}
			});
			need(dk, function () {
				var items = [];
				top.forEach(function (r) {
					r.d = entry(r.doc);
					if (r.d)
						items.push(r);
				});
				fn({ terms: ws, items: items, total: res.length });
			});
		});
	}

	box.hidden = false;

	/* Append text to el with the search terms wrapped in <mark>. */
	function highlight(el, text, terms) {
		var lt = lower(text), pos = 0, k, p, best, len;
		while (pos < text.length) {
			best = -1;
			len = 0;
			for (k = 0; k < terms.length; k++) {
				p = lt.indexOf(terms[k], pos);
				if (p >= 0 && (best < 0 || p < best || (p === best && terms[k].length > len))) {
					best = p;
					len = terms[k].length;
				}
			}
			if (best < 0 || len === 0) {
				el.appendChild(document.createTextNode(text.slice(pos)));
				break;
			}
			if (best > pos)
				el.appendChild(document.createTextNode(text.slice(pos, best)));
			var m = document.createElement("mark");
			m.textContent = text.slice(best, best + len);
			el.appendChild(m);
			pos = best + len;
		}
	}

	function snippet(s) {
		s = s.replace(/\s+/g, " ");
		return s.length > SNIPPET ? s.slice(0, SNIPPET - 1).replace(/\s+\S*$/, "") + "\u2026" : s;
	}

	var current = [];   /* the results on screen */
	var active = -1;    /* index into current, or -1 */
	var lastQuery = null;

	function setActive(n) {
		var opts = list.querySelectorAll("[role=option]");
		if (active >= 0 && opts[active])
			opts[active].setAttribute("aria-selected", "false");
		active = n;
		if (active >= 0 && opts[active]) {
			opts[active].setAttribute("aria-selected", "true");
			input.setAttribute("aria-activedescendant", opts[active].id);
			if (opts[active].scrollIntoView)
				opts[active].scrollIntoView({ block: "nearest" });
		} else {
			input.removeAttribute("aria-activedescendant");
		}
	}

	function open() {
		list.hidden = false;
		input.setAttribute("aria-expanded", "true");
	}

	function close() {
		list.hidden = true;
		input.setAttribute("aria-expanded", "false");
		input.removeAttribute("aria-activedescendant");
		active = -1;
	}

	function announce(msg) {
		if (status)
			status.textContent = msg;
	}

	var gen = 0;        /* the query being answered */
	var shownQuery = null;
	var goWhenReady = null;

	function render(q) {
		var g = ++gen;
		lastQuery = q;
		search(q, function (r) {
			if (g !== gen)
				return;
			show(q, r);
			if (goWhenReady !== null) {
				var nt = goWhenReady;
				goWhenReady = null;
				if (current.length)
					go(active >= 0 ? active : 0, nt);
			}
		});
	}

	function show(q, r) {
		var k;
		shownQuery = q;
		current = r.items;
		active = -1;
		input.removeAttribute("aria-activedescendant");
		while (list.firstChild)
			list.removeChild(list.firstChild);
		if (r.terms.length === 0) {
			close();
			announce("");
			return;
		}
		if (current.length === 0) {
			var none = document.createElement("li");
			none.className = "search-empty";
			none.setAttribute("role", "option");
			none.setAttribute("aria-disabled", "true");
			none.setAttribute("aria-selected", "false");
			none.id = "rbc-search-none";
			none.textContent = "No runbook matches \u201c" + q.trim() + "\u201d";
			list.appendChild(none);
			open();
			announce("No results");
			return;
		}
		for (k = 0; k < current.length; k++)
			list.appendChild(option(current[k], k, r.terms));
		open();
		announce(r.total > current.length ?
		    current.length + " of " + r.total + " results" :
		    current.length + (current.length === 1 ? " result" : " results"));
	}

	var LABEL = ["title", "heading", "alert", "metric", "contact", "command",
	    "tag", "service", "summary", "text"];
	var KIND = { 3: "m", 4: "p", 5: "c" };

	/* The line of list that has word w (or the first), or "". */
	function lineWith(arr, w) {
		for (var k = 0; k < arr.length; k++)
			if (lower(arr[k]).indexOf(w) >= 0)
				return arr[k];
		return "";
	}

	/* Where a result matched: [label, text], or null. */
	function where(d, hit) {
		var f = hit.f, arr = [], k, text;
		if (f === 1)
			arr = d.headings;
		else if (f === 2)
			arr = d.alerts;
		else if (KIND[f]) {
			for (k = 0; k < d.shown.length; k++)
				if (d.shown[k].charAt(0) === KIND[f])
					arr.push(d.shown[k].slice(1));
		} else if (f === 6)
			return [LABEL[f], hit.t];
		else
			return null;
		text = lineWith(arr, hit.t);
		return text === "" ? null : [f === 1 ? "\u00a7" : LABEL[f] + ":", text];
	}

	function option(res, k, terms) {
		var d = res.d;
		var li = document.createElement("li");
		li.id = "rbc-search-opt-" + k;
		li.className = "search-result";
		li.setAttribute("role", "option");
		li.setAttribute("aria-selected", "false");
		li.setAttribute("data-index", String(k));

		var title = document.createElement("span");
		title.className = "search-result-title";
		highlight(title, d.title, terms);
		li.appendChild(title);

		if (d.service !== "") {
			var svc = document.createElement("span");
			svc.className = "search-result-service";
			svc.textContent = d.service;
			li.appendChild(svc);
		}
		var w = res.hit ? where(d, res.hit) : null;
		if (w) {
			var h = document.createElement("span");
			h.className = "search-result-heading";
			h.setAttribute("data-field", LABEL[res.hit.f]);
			h.appendChild(document.createTextNode(w[0] + " "));
			highlight(h, w[1], terms);
			li.appendChild(h);
		}
		if (d.summary !== "") {
			var s = document.createElement("span");
			s.className = "search-result-snippet";
			highlight(s, snippet(d.summary), terms);
			li.appendChild(s);
		}
		return li;
	}

	function go(k, newTab) {
		var res = current[k];
		if (!res)
			return;
		if (newTab) {
			window.open(res.d.href, "_blank", "noopener");
			return;
		}
		window.location.href = res.d.href;
	}

	function isTyping(el) {
		if (!el || !el.tagName)
			return false;
		var tag = el.tagName.toLowerCase();
		return tag === "input" || tag === "textarea" || tag === "select" ||
		    el.isContentEditable;
	}

	input.addEventListener("input", function () {
		render(input.value);
	});

	input.addEventListener("focus", function () {
		if (input.value.trim() !== "" && list.hidden)
			render(input.value);
	});

	input.addEventListener("keydown", function (ev) {
		var n = current.length;
		switch (ev.key) {
		case "ArrowDown":
		case "Down":
			ev.preventDefault();
			if (list.hidden) {
				if (input.value.trim() !== "")
					render(input.value);
				if (current.length)
					setActive(0);
				return;
			}
			if (n)
				setActive(active + 1 >= n ? 0 : active + 1);
			break;
		case "ArrowUp":
		case "Up":
			ev.preventDefault();
			if (!list.hidden && n)
				setActive(active <= 0 ? n - 1 : active - 1);
			break;
		case "Home":
		case "End":
			if (!list.hidden && n && active >= 0) {
				ev.preventDefault();
				setActive(ev.key === "Home" ? 0 : n - 1);
			}
			break;
		case "Enter":
			if (ev.isComposing)
				return;
			ev.preventDefault();
			if (shownQuery !== input.value) {
				/* Its results are on their way: opened as they come. */
				goWhenReady = ev.ctrlKey || ev.metaKey;
				if (lastQuery !== input.value)
					render(input.value);
			} else if (current.length)
				go(active >= 0 ? active : 0, ev.ctrlKey || ev.metaKey);
			break;
		case "Escape":
		case "Esc":
			ev.preventDefault();
			if (!list.hidden) {
				close();
			} else if (input.value !== "") {
				input.value = "";
				render("");
			} else {
				input.blur();
			}
			break;
		}
	});

	/* Keep the focus in the input while clicking a result. */
	list.addEventListener("mousedown", function (ev) {
		ev.preventDefault();
	});

	function optionOf(el) {
		while (el && el !== list) {
			if (el.getAttribute && el.getAttribute("role") === "option")
				return el;
			el = el.parentNode;
		}
		return null;
	}

	list.addEventListener("click", function (ev) {
		var o = optionOf(ev.target);
		if (!o || o.getAttribute("aria-disabled") === "true")
			return;
		go(parseInt(o.getAttribute("data-index"), 10), ev.ctrlKey || ev.metaKey);
	});

	list.addEventListener("auxclick", function (ev) {
		var o = optionOf(ev.target);
		if (ev.button === 1 && o && o.getAttribute("aria-disabled") !== "true")
			go(parseInt(o.getAttribute("data-index"), 10), true);
	});

	list.addEventListener("mousemove", function (ev) {
		var o = optionOf(ev.target);
		if (o && o.getAttribute("aria-disabled") !== "true") {
			var k = parseInt(o.getAttribute("data-index"), 10);
			if (k !== active)
				setActive(k);
		}
	});

	input.addEventListener("blur", function () {
		close();
	});

	document.addEventListener("keydown", function (ev) {
		if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey)
			return;
		if (isTyping(ev.target) || isTyping(document.activeElement))
			return;
		ev.preventDefault();
		input.focus();
		input.select();
	});
})();

/*
 * The reader's place on a long site page (the index, contacts,
 * thresholds), kept across Back.  Their groups are laid out only when
 * they come near the screen (content-visibility: auto), so the offset a
 * browser restores lands elsewhere once the groups above it are their
 * estimated height again: thousands of pixels off.  The first row on the
 * screen and its distance from the top are kept in the history entry as
 * the reader scrolls and clicks; coming back, that row is put where it
 * was.  With scripts off, the browser's own restoring is all there is.
 */
(function () {
	"use strict";

	var groups = document.querySelectorAll(".service, .orphans");
	if (!groups.length || !window.history || !history.replaceState)
		return;

	var ROWS = "h2, tr, li";

	/* The first group and row on the screen: [group, row, top], or null. */
	function place() {
		var g, rows, r, k;
		for (g = 0; g < groups.length; g++) {
			if (groups[g].getBoundingClientRect().bottom <= 0)
				continue;
			rows = groups[g].querySelectorAll(ROWS);
			for (k = 0; k < rows.length; k++) {
				r = rows[k].getBoundingClientRect();
				if (r.bottom > 0)
					return [g, k, Math.round(r.top)];
			}
			return [g, -1, Math.round(groups[g].getBoundingClientRect().top)];
		}
		return null;
	}

	function keep() {
		var p = place(), st = history.state;
		if (!p)
			return;
		if (!st || typeof st !== "object")
			st = {};
		st.rbcPlace = p;
		try {
			history.replaceState(st, "");
			/* Put back here, not by the browser's offset. */
			if ("scrollRestoration" in history)
				history.scrollRestoration = "manual";
		} catch (e) {
			/* a page that may not change its history: nothing kept */
		}
	}

	function restore() {
		var st = history.state, p, g, el;
		if (!st || typeof st !== "object" || !st.rbcPlace)
			return;
		p = st.rbcPlace;
		if (!(p instanceof Array) || p.length !== 3 || !(p[0] >= 0) ||
		    p[0] >= groups.length || typeof p[2] !== "number")
			return;
		g = groups[p[0]];
		el = p[1] >= 0 ? g.querySelectorAll(ROWS)[p[1]] : g;
		if (!el)
			el = g;
		el.scrollIntoView();
		window.scrollBy(0, el.getBoundingClientRect().top - p[2]);
	}

	var timer = null;
	window.addEventListener("scroll", function () {
		if (timer !== null)
			clearTimeout(timer);
		timer = setTimeout(function () {
			timer = null;
			keep();
		}, 150);
	}, { passive: true });
	document.addEventListener("click", keep, true);
	restore();
})();
