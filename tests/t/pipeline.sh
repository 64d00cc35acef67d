# pipeline.sh: the setting of a whole-pipeline test (coldstart run against the
# endpoint double and the REPL double, as tests/t/0700 first set it up). Source after
# lib.sh with TAG set; then start_double --oracle "$FIXTURES/dsp2".
. "$TEST_DIR/llm-double.sh"
mkdir -p lean
export CS_DB=$TRASH/c.db CS_LEAN_DIR=$TRASH/lean CS_LEAN_SANDBOX=none CS_LEAN_JOBS=2 \
	CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $TAG" CS_SAMPLES=2 CS_QUIET=1 \
	CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
	CS_LLM_BACKOFF=0.01 CS_LLM_BACKOFF_MAX=0.2
DEMO=$SRC_DIR/data/demo.jsonl
# The theorem of a Lean file, trailing blanks of each line aside.
theorem_of() { sed -n '/^theorem /,$p' "$1" | sed 's/[ 	]*$//'; }
