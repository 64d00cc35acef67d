#!/bin/sh
# The layers point down only: lib/ is the floor; llm/, lean_text/ and db/ sit on it
# alone; lean_io/ on lean_text/; the runtime (run/) above them; stages on top; and no
# files call each other in a circle. The build keeps each layer's
# include path to what it may use; scripts/check-layers.sh (make check-layers, part
# of make test) checks the objects' symbols.
. "$(dirname "$0")/lib.sh"

test_expect_success 'the objects of this build: every layer points down' '
	objs=$(ls "$SRC_DIR"/build/lib/*.o "$SRC_DIR"/build/db/*.o "$SRC_DIR"/build/llm/*.o \
		"$SRC_DIR"/build/lean_text/*.o "$SRC_DIR"/build/lean_io/*.o "$SRC_DIR"/build/run/*.o) &&
	sh "$SRC_DIR/scripts/check-layers.sh" $objs > out &&
	test_grep "every layer points down, no circle of files" out
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

test_expect_success 'a lean_text/ object calling a lean_io/ function is refused, named' '
	mkdir -p probe2/lean_text probe2/lean_io &&
	echo "int lean_pool_probe(void) { return 1; }" > io.c &&
	echo "int lean_pool_probe(void); int lean_text_probe(void) { return lean_pool_probe(); }" > text.c &&
	cc -c io.c -o probe2/lean_io/io.o && cc -c text.c -o probe2/lean_text/text.o &&
	test_exit 1 sh "$SRC_DIR/scripts/check-layers.sh" probe2/lean_io/io.o probe2/lean_text/text.o > out &&
	test_grep "probe2/lean_text/text.o uses lean_pool_probe, of lean_io/" out
'

test_expect_success 'two files calling each other are a circle, both named' '
	mkdir -p probe3/lean_io &&
	echo "int lean_b(void); int lean_a(void) { return lean_b(); }" > a.c &&
	echo "int lean_a(void); int lean_b(void) { return lean_a() + 1; }" > b.c &&
	echo "int lean_a(void); int lean_c(void) { return lean_a(); }" > c.c &&
	cc -c a.c -o probe3/lean_io/a.o && cc -c b.c -o probe3/lean_io/b.o && cc -c c.c -o probe3/lean_io/c.o &&
	test_exit 1 sh "$SRC_DIR/scripts/check-layers.sh" probe3/lean_io/a.o probe3/lean_io/b.o probe3/lean_io/c.o > out &&
	test_grep "in a circle: probe3/lean_io/a.o probe3/lean_io/b.o $" out &&
	test_exit 0 sh "$SRC_DIR/scripts/check-layers.sh" probe3/lean_io/a.o probe3/lean_io/c.o
'

test_expect_success 'each layer is compiled with its own include path only' '
	for o in lib/util db/db_store llm/llm_client lean_text/lean_scan lean_io/lean_pool run/pipe; do
		make -s -n -B -C "$SRC_DIR" V=1 "build/$o.o" | grep -o -- " -I[a-z_][a-z_]*" | sort -u | tr -d " " | tr "\n" " "
		echo "$o"
	done > got &&
	cat > want <<-\EOT &&
	-Ibuild -Ilib lib/util
	-Ibuild -Idb -Ilib db/db_store
	-Ibuild -Ilib -Illm llm/llm_client
	-Ibuild -Ilean_text -Ilib lean_text/lean_scan
	-Ibuild -Ilean_io -Ilean_text -Ilib lean_io/lean_pool
	-Ibuild -Idb -Ilean_io -Ilean_text -Ilib -Illm -Irun run/pipe
	EOT
	test_cmp want got
'

test_done
