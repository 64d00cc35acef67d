#!/bin/sh
# The layers point down only: lib/ is the floor; llm/, lean_io/ and db/ sit on it
# alone; the runtime (run/) above them; stages on top. The build keeps each layer's
# include path to what it may use; scripts/check-layers.sh (make check-layers, part
# of make test) checks the objects' symbols.
. "$(dirname "$0")/lib.sh"

test_expect_success 'the objects of this build: every layer points down' '
	objs=$(ls "$SRC_DIR"/build/lib/*.o "$SRC_DIR"/build/db/*.o "$SRC_DIR"/build/llm/*.o "$SRC_DIR"/build/lean_io/*.o) &&
	sh "$SRC_DIR/scripts/check-layers.sh" $objs > out &&
	test_grep "every layer points down" out
'

test_expect_success 'a lib/ object calling db_ or a db/ object calling lean_ is refused, named' '
	mkdir -p probe/lib probe/db &&
	echo "int db_open_probe(void); int cs_probe(void) { return db_open_probe(); }" > a.c &&
	echo "int lean_probe(void); int db_probe2(void) { return lean_probe(); }" > b.c &&
	cc -c a.c -o probe/lib/a.o && cc -c b.c -o probe/db/b.o &&
	test_exit 1 sh "$SRC_DIR/scripts/check-layers.sh" probe/lib/a.o probe/db/b.o > out &&
	cat > want <<-\EOT &&
	check-layers: probe/lib/a.o uses db_open_probe, of a layer above or beside its own
	check-layers: probe/db/b.o uses lean_probe, of a layer above or beside its own
	EOT
	test_cmp want out
'

test_expect_success 'each layer is compiled with its own include path only' '
	for o in lib/util db/db_store llm/llm_client lean_io/lean_pool run/pipe; do
		make -s -n -B -C "$SRC_DIR" V=1 "build/$o.o" | grep -o -- " -I[a-z_][a-z_]*" | sort -u | tr -d " " | tr "\n" " "
		echo "$o"
	done > got &&
	cat > want <<-\EOT &&
	-Ibuild -Ilib lib/util
	-Ibuild -Idb -Ilib db/db_store
	-Ibuild -Ilib -Illm llm/llm_client
	-Ibuild -Ilean_io -Ilib lean_io/lean_pool
	-Ibuild -Idb -Ilean_io -Ilib -Illm -Irun run/pipe
	EOT
	test_cmp want got
'

test_done
