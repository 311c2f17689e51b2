#!/bin/sh
# The kept libraries that runbook pages load, fetched from the npm
# registry at a pinned version and checked against a pinned SHA-256 of
# the package's tarball before anything is taken out of it:
#   mermaid                  its browser bundle, dist/mermaid.min.js
#   @highlightjs/cdn-assets  the core and the languages runbooks use
#
#   vendor.sh DIR   writes DIR/mermaid.min.js and DIR/highlight.js
#
# The tarballs are kept in DIR, so a second run (or a machine without
# the network, given the two files) fetches nothing.  `npm pack` fetches
# when npm is there, else curl from the registry's tarball address.
set -e
dir=${1:?usage: vendor.sh DIR}
MERMAID_VERSION=12.4.0
MERMAID_SHA256=025eb705f4cc52ea94e5e8ad606f0ad2ff4057f9e5d371044cd620088a17f515
HLJS_VERSION=11.12.0
HLJS_SHA256=b8a006d30f45afe783072569f3d69c5b60c0e7b9ca28cd474e12f2584e2a3bd9
# highlight.js's names: bash (also sh, zsh), shell (a session: $ prompts),
# sql, yaml, json, python.  PromQL is defined in themes/default/code.js.
HLJS_LANGS="bash shell sql yaml json python"

mkdir -p "$dir"

# fetch SPEC TARBALL URL SHA256: DIR/TARBALL, whose hash is SHA256.
fetch() {
	t="$dir/$2"
	if [ -f "$t" ] && echo "$4  $t" | sha256sum -c --status; then
		return 0
	fi
	rm -f "$t" "$t.part"
	echo "vendor: fetching $1 (npm registry)" >&2
	if command -v npm >/dev/null 2>&1; then
		(cd "$dir" && npm pack --silent --pack-destination . "$1" >/dev/null)
	elif command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 2 -o "$t.part" "$3" && mv "$t.part" "$t"
	else
		echo "vendor: neither npm nor curl is installed (tools/deps.sh)" >&2
		exit 1
	fi
	if ! echo "$4  $t" | sha256sum -c --status; then
		echo "vendor: $2 does not have the pinned SHA-256; not used" >&2
		rm -f "$t"
		exit 1
	fi
}

fetch "mermaid@$MERMAID_VERSION" "mermaid-$MERMAID_VERSION.tgz" \
    "https://registry.npmjs.org/mermaid/-/mermaid-$MERMAID_VERSION.tgz" \
    "$MERMAID_SHA256"
fetch "@highlightjs/cdn-assets@$HLJS_VERSION" \
    "highlightjs-cdn-assets-$HLJS_VERSION.tgz" \
    "https://registry.npmjs.org/@highlightjs/cdn-assets/-/cdn-assets-$HLJS_VERSION.tgz" \
    "$HLJS_SHA256"

tmp="$dir/tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

tar -xzf "$dir/mermaid-$MERMAID_VERSION.tgz" -C "$tmp" package/dist/mermaid.min.js
mv "$tmp/package/dist/mermaid.min.js" "$dir/mermaid.min.js.part"

# The core is published as an ES module; a page from file:// can load
# only a classic script, so it is wrapped in a function that returns
# what the module exported (its one export, checked to be the last
# statement), and each language's classic script follows it.
files=package/es/core.min.js
for l in $HLJS_LANGS; do
	files="$files package/languages/$l.min.js"
done
tar -xzf "$dir/highlightjs-cdn-assets-$HLJS_VERSION.tgz" -C "$tmp" $files
core="$tmp/package/es/core.min.js"
tail='export{te as default};'
if [ "$(tail -c ${#tail} "$core")" != "$tail" ]; then
	echo "vendor: highlight.js core does not end in its export" >&2
	exit 1
fi
{
	echo "/* highlight.js $HLJS_VERSION (BSD-3-Clause): core and $HLJS_LANGS */"
	echo 'var hljs=(function(){"use strict";'
	head -c -${#tail} "$core"
	printf '\nreturn te;})();\n'
	for l in $HLJS_LANGS; do
		cat "$tmp/package/languages/$l.min.js"
		echo
	done
} >"$dir/highlight.js.part"
mv "$dir/highlight.js.part" "$dir/highlight.js"
mv "$dir/mermaid.min.js.part" "$dir/mermaid.min.js"
# (the tarball dates its files 1985: make would fetch again each time)
touch "$dir/mermaid.min.js" "$dir/highlight.js"
