/*
 * rbc search: client-side search over window.RBC_SEARCH, which
 * search-index.js (loaded before this file) defines.  No dependencies,
 * ES5, works from file://.  The index is treated as untrusted: results are
 * built with DOM nodes and textContent only, and a result URL must be
 * relative (no scheme, no "//").
 *
 * Index entries: {t: title, u: href from the site root, s: summary,
 * v: service, o: owner, g: [tags], h: [headings], a: [alert names]}.
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

	var data = window.RBC_SEARCH;
	if (!data || typeof data.length !== "number")
		return;

	var root = document.documentElement.getAttribute("data-root");
	if (root === null && document.body)
		root = document.body.getAttribute("data-root");
	root = root || "";

	function str(v) {
		return typeof v === "string" ? v : (v === null || v === undefined ? "" : String(v));
	}

	function strs(v) {
		var out = [], i;
		if (!v || typeof v.length !== "number" || typeof v === "string")
			return out;
		for (i = 0; i < v.length; i++)
			out.push(str(v[i]));
		return out;
	}

	function lower(s) {
		return s.toLowerCase();
	}

	/* A URL from the index is usable only if it is relative to the root. */
	function safeHref(u) {
		u = str(u);
		if (u === "" || /^[a-z][a-z0-9+.\-]*:/i.test(u) || /^[\/\\]/.test(u))
			return null;
		return root + u;
	}

	var docs = [], i, e;
	for (i = 0; i < data.length; i++) {
		e = data[i];
		if (!e || typeof e !== "object")
			continue;
		var d = {
			title: str(e.t),
			href: safeHref(e.u),
			summary: str(e.s),
			service: str(e.v),
			owner: str(e.o),
			tags: strs(e.g),
			headings: strs(e.h),
			alerts: strs(e.a)
		};
		if (d.href === null || d.title === "")
			continue;
		d.lt = lower(d.title);
		d.ls = lower(d.summary);
		d.lv = lower(d.service);
		d.lo = lower(d.owner);
		d.lg = d.tags.map(lower);
		d.lh = d.headings.map(lower);
		d.la = d.alerts.map(lower);
		docs.push(d);
	}

	box.hidden = false;

	/* Does word w start at position p of s (start of string or after a non-letter)? */
	function atWordStart(s, p) {
		return p === 0 || !/[0-9a-z\u00c0-\uffff]/i.test(s.charAt(p - 1));
	}

	/* Score of one term in one field: 0 if absent, more for whole/prefix matches. */
	function fieldScore(s, term, weight) {
		var p = s.indexOf(term);
		if (p < 0)
			return 0;
		if (s === term)
			return weight * 3;
		if (atWordStart(s, p))
			return weight * 2;
		return weight;
	}

	function listScore(arr, term, weight) {
		var best = 0, k, sc;
		for (k = 0; k < arr.length; k++) {
			sc = fieldScore(arr[k], term, weight);
			if (sc > best)
				best = sc;
		}
		return best;
	}

	/*
	 * Ranking: title > heading, tag, service (and owner) > summary.
	 * Every term must match somewhere.
	 */
	function score(d, terms) {
		var total = 0, k, t, sc, st, sh;
		d.hit = -1;
		for (k = 0; k < terms.length; k++) {
			t = terms[k];
			st = fieldScore(d.lt, t, 100);
			sh = listScore(d.lh, t, 30);
			sc = Math.max(st, sh, listScore(d.lg, t, 30),
			    listScore(d.la, t, 30),
			    fieldScore(d.lv, t, 30), fieldScore(d.lo, t, 20),
			    fieldScore(d.ls, t, 10));
			if (sc === 0)
				return 0;
			if (st === 0 && sh > 0 && d.hit < 0)
				d.hit = firstIndex(d.lh, t);
			total += sc;
		}
		if (d.lt.indexOf(terms.join(" ")) === 0)
			total += 50;
		return total;
	}

	function firstIndex(arr, term) {
		for (var k = 0; k < arr.length; k++)
			if (arr[k].indexOf(term) >= 0)
				return k;
		return -1;
	}

	function search(q) {
		var terms = lower(q).split(/\s+/).filter(function (t) { return t !== ""; });
		var res = [], k, sc;
		if (terms.length === 0)
			return { terms: terms, items: res };
		for (k = 0; k < docs.length; k++) {
			sc = score(docs[k], terms);
			if (sc > 0)
				res.push({ doc: docs[k], score: sc, hit: docs[k].hit });
		}
		res.sort(function (a, b) {
			if (b.score !== a.score)
				return b.score - a.score;
			return a.doc.lt < b.doc.lt ? -1 : a.doc.lt > b.doc.lt ? 1 : 0;
		});
		return { terms: terms, items: res.slice(0, MAX_RESULTS), total: res.length };
	}

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

	function render(q) {
		var r = search(q), k;
		lastQuery = q;
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

	function option(res, k, terms) {
		var d = res.doc;
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
		if (res.hit >= 0 && d.headings[res.hit]) {
			var h = document.createElement("span");
			h.className = "search-result-heading";
			h.appendChild(document.createTextNode("\u00a7 "));
			highlight(h, d.headings[res.hit], terms);
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
			window.open(res.doc.href, "_blank", "noopener");
			return;
		}
		window.location.href = res.doc.href;
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
			if (lastQuery !== input.value)
				render(input.value);
			if (current.length) {
				ev.preventDefault();
				go(active >= 0 ? active : 0, ev.ctrlKey || ev.metaKey);
			}
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
