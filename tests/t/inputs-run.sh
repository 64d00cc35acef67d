# inputs-run.sh: the pipeline against the doubles (the endpoint double in oracle mode,
# the REPL double) on the datasets' shapes of tests/fixtures/inputs/run, for
# 0111-inputs-run.t and 0650-export-hf.t. Source after lib.sh with TAG set.
. "$TEST_DIR/llm-double.sh"
mkdir -p lean
export CS_DB=$TRASH/c.db CS_LEAN_DIR=$TRASH/lean CS_LEAN_SANDBOX=none CS_LEAN_JOBS=2 \
	CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $TAG" CS_SAMPLES=2 CS_QUIET=1 \
	CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
	CS_LLM_BACKOFF=0.01 CS_LLM_BACKOFF_MAX=0.2
RUN=$FIXTURES/inputs/run
# run_shapes: coldstart run on every shape: five record files and a directory.
run_shapes() {
	coldstart run "$RUN/lean_workbook.json" "$RUN/numinamath_lean.jsonl" "$RUN/goedel_pset.jsonl" \
		"$RUN/proofnet.jsonl" "$RUN/proverbench.jsonl" "$RUN/putnambench"
}
