// Opens a page in headless Chromium over the DevTools protocol (a pipe:
// no WebSocket, no package) and prints, as JSON, what the page's scripts
// did: diagrams drawn, highlighted blocks, copy buttons and what each
// copies, policy violations, requests, console errors and exceptions.
//   node code-browser.mjs URL PROFILE-DIR
import { spawn } from 'node:child_process';

const [, , url, profile] = process.argv;
const chr = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--user-data-dir=' + profile,
  '--remote-debugging-pipe', 'about:blank'],
{ stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
const toChr = chr.stdio[3], fromChr = chr.stdio[4];
const waiting = new Map(), events = [];
let id = 0, buf = Buffer.alloc(0);

fromChr.on('data', (d) => {
  let z;
  buf = Buffer.concat([buf, d]);
  while ((z = buf.indexOf(0)) >= 0) {
    const m = JSON.parse(buf.subarray(0, z).toString());
    buf = buf.subarray(z + 1);
    if (m.id && waiting.has(m.id)) {
      waiting.get(m.id)(m);
      waiting.delete(m.id);
    } else {
      events.push(m);
    }
  }
});

function send(method, params = {}, sessionId = undefined) {
  return new Promise((resolve) => {
    const i = ++id;
    waiting.set(i, resolve);
    toChr.write(JSON.stringify({ id: i, method, params, sessionId }) + '\0');
  });
}

const timer = setTimeout(() => { chr.kill(); process.exit(3); }, 60000);
const t = await send('Target.createTarget', { url: 'about:blank' });
const a = await send('Target.attachToTarget',
  { targetId: t.result.targetId, flatten: true });
const s = a.result.sessionId;
for (const d of ['Network', 'Log', 'Runtime', 'Page']) await send(d + '.enable', {}, s);
// Before the page's own scripts: note policy violations, and keep what a
// copy button writes (the clipboard itself is the desktop's).
await send('Page.addScriptToEvaluateOnNewDocument', {
  source: `window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.__copied = [];
if (navigator.clipboard) navigator.clipboard.writeText = (t) => {
  window.__copied.push(t); return Promise.resolve(); };`
}, s);
await send('Page.navigate', { url }, s);
// Wait for the diagrams (code.js marks the page), at most 20 s.
let drawn = false;
for (let i = 0; i < 200 && !drawn; i++) {
  await new Promise((r) => setTimeout(r, 100));
  const r = await send('Runtime.evaluate', {
    expression: 'document.readyState === "complete" && (!document.querySelector("pre.mermaid") || document.documentElement.dataset.diagrams === "drawn")',
    returnByValue: true
  }, s);
  drawn = r.result.result.value === true;
}
const r = await send('Runtime.evaluate', {
  expression: `(async () => {
  const buttons = [...document.querySelectorAll('main .copy-button')];
  for (const b of buttons) b.click();
  await new Promise((r) => setTimeout(r, 300));
  const status = document.getElementById('rbc-copy-status');
  return JSON.stringify({
    diagrams: document.querySelectorAll('.diagram > svg').length,
    sources: document.querySelectorAll('pre.mermaid').length,
    failed: document.querySelectorAll('pre.mermaid-error').length,
    blocks: document.querySelectorAll('main pre > code').length,
    highlighted: [...document.querySelectorAll('main pre > code.hljs')]
      .map((c) => c.className),
    coloured: [...document.querySelectorAll('main pre > code.hljs')]
      .filter((c) => c.querySelector('span[class^="hljs-"]'))
      .map((c) => c.className),
    buttons: buttons.length,
    labels: buttons.map((b) => b.getAttribute('aria-label')),
    copied: window.__copied,
    status: status ? status.textContent : null,
    violations: window.__violations
  });
})()`,
  awaitPromise: true,
  returnByValue: true
}, s);
const out = JSON.parse(r.result.result.value);
out.drawn = drawn;
out.requests = events.filter((m) => m.method === 'Network.requestWillBeSent')
  .map((m) => m.params.request.url);
out.errors = events.filter((m) =>
  (m.method === 'Log.entryAdded' && m.params.entry.level === 'error') ||
  m.method === 'Runtime.exceptionThrown' ||
  (m.method === 'Runtime.consoleAPICalled' && m.params.type === 'error'))
  .map((m) => JSON.stringify(m.params).slice(0, 300));
console.log(JSON.stringify(out, null, 1));
clearTimeout(timer);
chr.kill();
