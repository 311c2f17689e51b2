# The source keeps its layers (tools/layers.py): utilities, model, stages,
# renderers, build engine, commands; no file includes or uses a higher
# layer's, and no two files use each other.  Read from the objects of
# the binary under test.
it_layers() {
	obj=${UNITDIR:-$ROOT/build/san}/obj
	if [ ! -d "$obj" ]; then
		fail "source layers" "no objects in $obj"
		return
	fi
	if python3 tools/layers.py src "$obj" >"$TMP/layers.log" 2>&1; then
		pass "source layers: no upward include or use, no circle"
	else
		fail "source layers: no upward include or use, no circle" \
		    "$(cat "$TMP/layers.log")"
	fi
	# The check fails when it should: a file in no layer, an upward
	# include.
	mkdir -p "$TMP/src"
	cp src/*.c src/*.h "$TMP/src/"
	printf '#include "cmd.h"\n' >>"$TMP/src/util.c"
	if python3 tools/layers.py "$TMP/src" "$obj" >"$TMP/bad.log" 2>&1; then
		fail "source layers: an upward include is caught"
	elif grep -q 'util.c:.*includes cmd.h' "$TMP/bad.log"; then
		pass "source layers: an upward include is caught"
	else
		fail "source layers: an upward include is caught" "$(cat "$TMP/bad.log")"
	fi
}
it_layers
