// Regenerate the tables of src/slug.c: npm i github-slugger@2.0.0 && node tools/gen_slug_tables.mjs
// Derives rbc's slug tables from github-slugger 2.0.0 and this node's
// String.prototype.toLowerCase, by probing every code point.
import { regex } from 'github-slugger/regex.js'
const F_REMOVE = 1, F_CASED = 2, F_IGNORABLE = 4
const SIG = '\u03A3'
const flags = new Uint8Array(0x110000)
const lower = new Int32Array(0x110000)
const specials = []
let anomalies = 0
for (let cp = 0; cp < 0x110000; cp++) {
  if (cp >= 0xD800 && cp <= 0xDFFF) { lower[cp] = cp; continue }
  const s = String.fromCodePoint(cp)
  regex.lastIndex = 0
  const r = s.replace(regex, '')
  let f = 0
  if (r === '') f |= F_REMOVE
  else if (r !== s) { anomalies++; console.error('partial', cp.toString(16)) }
  const cni = (s + SIG).toLowerCase().endsWith('\u03C2')
  const ign = !cni && ('A' + s + SIG).toLowerCase().endsWith('\u03C2')
  if (cni) f |= F_CASED
  if (ign) f |= F_IGNORABLE
  flags[cp] = f
  const l = [...s.toLowerCase()].map(c => c.codePointAt(0))
  if (l.length !== 1) { specials.push([cp, l]); lower[cp] = cp } else lower[cp] = l[0]
}
if (anomalies) process.exit(1)
// Lowercase runs.
const runs = []
for (let cp = 0; cp < 0x110000; cp++) {
  if (lower[cp] === cp) continue
  const d = lower[cp] - cp
  const last = runs[runs.length - 1]
  if (last && last.delta === d) {
    if (last.lo === last.hi && (cp - last.hi === 1 || cp - last.hi === 2)) { last.stride = cp - last.hi; last.hi = cp; continue }
    if (last.lo !== last.hi && cp - last.hi === last.stride) { last.hi = cp; continue }
  }
  runs.push({ lo: cp, hi: cp, delta: d, stride: 1 })
}
// Property ranges.
const props = []
for (let cp = 0; cp < 0x110000; cp++) {
  const f = flags[cp]
  if (cp >= 0xD800 && cp <= 0xDFFF) continue
  const last = props[props.length - 1]
  if (last && last.f === f && last.hi === cp - 1) { last.hi = cp; continue }
  if (last && last.f === f && last.hi === 0xD7FF && cp === 0xE000) { last.hi = cp; continue }
  props.push({ lo: cp, hi: cp, f })
}
const pz = props.filter(p => p.f !== 0)
// Growth check: UTF-8 length of lowercase vs original.
const u8 = c => c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
let maxnum = 0
for (let cp = 0x80; cp < 0x110000; cp++) if (lower[cp] !== cp) {
  if (u8(lower[cp]) > u8(cp)) maxnum = Math.max(maxnum, u8(lower[cp]) - u8(cp))
}
const hex = n => '0x' + n.toString(16).toUpperCase().padStart(4, '0')
const out = []
out.push(`/* ${specials.map(([c, l]) => hex(c) + '->' + l.map(hex).join(' ')).join(', ')}; growth ${maxnum}; unicode ${process.versions.unicode} */`)
out.push(`static const struct lcrun lc_runs[] = {`)
let line = ''
for (const r of runs) {
  const item = `{${hex(r.lo)}, ${hex(r.hi)}, ${r.delta}, ${r.stride}},`
  if (line.length + item.length + 1 > 72) { out.push('\t' + line.trimEnd()); line = '' }
  line += item + ' '
}
if (line) out.push('\t' + line.trimEnd())
out.push('};')
out.push(`static const struct prop props[] = {`)
line = ''
for (const p of pz) {
  const fl = [p.f & 1 ? 'R' : '', p.f & 2 ? 'C' : '', p.f & 4 ? 'I' : ''].filter(x => x).join('|')
  const item = `{${hex(p.lo)}, ${hex(p.hi)}, ${fl}},`
  if (line.length + item.length + 1 > 72) { out.push('\t' + line.trimEnd()); line = '' }
  line += item + ' '
}
if (line) out.push('\t' + line.trimEnd())
out.push('};')
console.log(out.join('\n'))
console.error('runs', runs.length, 'props', pz.length, 'specials', JSON.stringify(specials))
