#!/bin/sh
# Writes the header that names the card's libraries for dlopen
# (src/cardlib.c): each library's SONAME, read from the shared object the
# linker would use for pkg-config's -l flag, so that the names follow the
# system rbc is built on instead of being written down for one.
#   sonames.sh CC > cardlib_sonames.h
set -e
cc=${1:-cc}
echo "/* Made by tools/sonames.sh: the card libraries' sonames. */"
echo "#define CARDLIB_SONAMES \\"
sep=""
for pair in pangocairo:pangocairo-1.0 pango:pango-1.0 cairo:cairo \
    gobject-2.0:gobject-2.0 libqrencode:qrencode fontconfig:fontconfig \
    zlib:z; do
	mod=${pair%%:*}
	lib=${pair#*:}
	case " $(pkg-config --libs "$mod") " in
	*" -l$lib "*) ;;
	*) echo "sonames: pkg-config $mod does not link -l$lib" >&2; exit 1 ;;
	esac
	so=$($cc -print-file-name="lib$lib.so")
	name=$(objdump -p "$so" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
	if [ -z "$name" ]; then
		echo "sonames: no SONAME in $so (lib$lib)" >&2
		exit 1
	fi
	printf '%s\t"%s"' "$sep" "$name"
	sep=", \\
"
done
echo
