/*
 * Code on a runbook page: a copy button on every code block and every
 * quick-reference command, colours for the languages runbooks use (when
 * highlight.js is loaded: the page has a code block with a language),
 * and diagrams drawn from their mermaid source (when mermaid is loaded).
 * Without scripts the page shows plain code and the diagrams' source,
 * and no button that does nothing.
 */
(function () {
  "use strict";

  /* PromQL for highlight.js: functions, aggregations and their
   * modifiers, label matchers, durations, strings, numbers, comments. */
  function promql(hljs) {
    var matcher = {
      begin: /\{/, end: /\}/,
      contains: [
        { className: "attr", begin: /[A-Za-z_][A-Za-z0-9_]*(?=\s*(=~|!~|!=|=))/ },
        hljs.QUOTE_STRING_MODE, hljs.APOS_STRING_MODE,
        { className: "string", begin: /`/, end: /`/ },
        { className: "operator", begin: /=~|!~|!=|=/ }
      ]
    };
    return {
      name: "PromQL",
      aliases: ["prometheus"],
      keywords: {
        keyword: "by without on ignoring group_left group_right offset bool and or unless atan2",
        built_in: "sum min max avg group stddev stdvar count count_values bottomk topk quantile limitk limit_ratio " +
          "abs absent absent_over_time ceil changes clamp clamp_max clamp_min day_of_month day_of_week " +
          "day_of_year days_in_month delta deriv exp floor histogram_avg histogram_count histogram_fraction " +
          "histogram_quantile histogram_stddev histogram_stdvar histogram_sum holt_winters hour idelta increase " +
          "irate label_join label_replace ln log2 log10 minute month predict_linear rate resets round scalar sgn " +
          "sort sort_desc sort_by_label sort_by_label_desc sqrt time timestamp vector year avg_over_time " +
          "min_over_time max_over_time sum_over_time count_over_time quantile_over_time stddev_over_time " +
          "stdvar_over_time last_over_time present_over_time mad_over_time",
        literal: "Inf NaN"
      },
      contains: [
        hljs.HASH_COMMENT_MODE,
        matcher,
        hljs.QUOTE_STRING_MODE, hljs.APOS_STRING_MODE,
        { className: "number", begin: /\b\d+(?:\.\d+)?(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*\b/ },
        { className: "number", begin: /\b(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\b/ },
        { className: "operator", begin: /==|!=|<=|>=|[-+*\/%^<>@]/ }
      ]
    };
  }

  /* A fence's language as GitHub reads it, named as highlight.js does
   * ("shell" is a script on GitHub, a session with prompts in
   * highlight.js). */
  var ALIAS = {
    sh: "bash", shell: "bash", zsh: "bash", console: "shell",
    shellsession: "shell", "shell-session": "shell", yml: "yaml",
    py: "python", python3: "python", postgres: "sql", postgresql: "sql",
    psql: "sql", mysql: "sql", sqlite: "sql", jsonc: "json"
  };

  var status;

  /* Says msg to screen readers (a polite live region). */
  function announce(msg) {
    if (!status) {
      status = document.createElement("p");
      status.id = "rbc-copy-status";
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = msg; }, 50);
  }

  /* The text a block's button copies: the code as written, less the
   * line end that closes its last line (a pasted command then waits
   * for Enter rather than running). */
  function codeText(code) {
    var t = code.textContent;
    return t.charAt(t.length - 1) === "\n" ? t.slice(0, -1) : t;
  }

  /* Copies text through a selected, hidden textarea: for pages where
   * navigator.clipboard is missing or refused. */
  function copyOld(text) {
    var ta = document.createElement("textarea"), ok = false;
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "copy-scratch";
    document.body.appendChild(ta);
    ta.select();
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }

  function copied(button) {
    button.textContent = "Copied";
    button.classList.add("copied");
    announce("Copied");
    window.setTimeout(function () {
      button.textContent = "Copy";
      button.classList.remove("copied");
    }, 2000);
  }

  /* Neither way worked: the code is selected for the reader to copy. */
  function notCopied(code) {
    var r = document.createRange(), sel = window.getSelection();
    r.selectNodeContents(code);
    sel.removeAllRanges();
    sel.addRange(r);
    announce("Could not copy: the code is selected, press Control+C");
  }

  function copy(button, code) {
    var text = codeText(code);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        copied(button);
      }, function () {
        if (copyOld(text)) copied(button); else notCopied(code);
      });
    } else if (copyOld(text)) {
      copied(button);
    } else {
      notCopied(code);
    }
  }

  function addButton(pre, code, what) {
    var wrap = document.createElement("div"), button;
    wrap.className = "code-wrap";
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + what);
    button.addEventListener("click", function () { copy(button, code); });
    wrap.appendChild(button);
  }

  function highlight(code) {
    var m = /(?:^|\s)language-(\S+)/.exec(code.className), name, r;
    if (!m) return;
    name = m[1].toLowerCase();
    name = ALIAS[name] || name;
    if (!window.hljs.getLanguage(name)) return;
    r = window.hljs.highlight(code.textContent, { language: name, ignoreIllegals: true });
    code.innerHTML = r.value;
    code.classList.add("hljs");
  }

  /* Draws each diagram in turn; one that does not parse keeps its
   * source, marked. */
  function diagrams() {
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    var list = document.querySelectorAll("pre.mermaid"), i = 0;
    window.mermaid.initialize({
      startOnLoad: false, securityLevel: "strict",
      theme: dark ? "dark" : "default", deterministicIds: true
    });
    function next() {
      var pre, src;
      if (i >= list.length) {
        document.documentElement.setAttribute("data-diagrams", "drawn");
        return;
      }
      pre = list[i];
      src = pre.textContent;
      i++;
      window.mermaid.render("rbc-diagram-" + i, src).then(function (r) {
        var fig = document.createElement("div");
        fig.className = "diagram";
        fig.innerHTML = r.svg;
        pre.parentNode.insertBefore(fig, pre);
        pre.hidden = true;
        if (r.bindFunctions) r.bindFunctions(fig);
        next();
      }, function () {
        pre.classList.add("mermaid-error");
        pre.title = "This diagram could not be drawn: its source is shown";
        next();
      });
    }
    next();
  }

  function start() {
    var codes = document.querySelectorAll("main pre > code"), i, code, pre;
    if (window.hljs) window.hljs.registerLanguage("promql", promql);
    for (i = 0; i < codes.length; i++) {
      code = codes[i];
      pre = code.parentNode;
      if (window.hljs) highlight(code);
      addButton(pre, code, pre.closest(".quickref") ? "command" : "code");
    }
    if (window.mermaid) diagrams();
  }

  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", start);
  else
    start();
})();
