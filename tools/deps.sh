#!/bin/sh
# Install what rbc needs from Debian's packages (and npm for the HTML
# checker), but only what is missing, so a second `make` costs nothing.
# (The pages' JavaScript libraries are fetched by tools/vendor.sh, from
# make: curl is here for that, where npm is not installed.)
#   deps.sh build   the build dependencies
#   deps.sh check   the test dependencies as well
set -e
mode=${1:-build}
# fonts-droid-fallback: CJK glyphs for the cards (7 MB; DejaVu has none).
pkgs="build-essential pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev libpcre2-dev libmicrohttpd-dev libgumbo-dev libcairo2-dev libpango1.0-dev libqrencode-dev libfontconfig-dev zlib1g-dev fonts-dejavu-core fonts-droid-fallback curl ca-certificates"
if [ "$mode" = check ]; then
	pkgs="$pkgs mandoc groff-base python3 poppler-utils qpdf chromium zbar-tools pre-commit git man-db"
	# A machine may have Java or Node.js from elsewhere: only the commands
	# matter.
	command -v java >/dev/null 2>&1 || pkgs="$pkgs default-jre-headless"
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
fi
missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	if [ "$(id -u)" != 0 ]; then
		echo "deps: not root; install these packages:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ "$mode" = check ]; then
	# The Nu HTML checker, from the npm registry, run with Debian's Java.
	dir=build/npm
	if [ ! -f "$dir/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
		echo "deps: installing vnu-jar (npm)"
		mkdir -p "$dir"
		npm install --silent --no-audit --no-fund --prefix "$dir" vnu-jar >/dev/null
	fi
fi
