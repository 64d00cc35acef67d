# inputs-run.sh: the pipeline against the doubles (pipeline.sh: the endpoint double in oracle mode,
# the REPL double) on the datasets' shapes of tests/fixtures/inputs/run, for
# 0111-inputs-run.t and 0650-export-hf.t. Source after lib.sh with TAG set.
. "$TEST_DIR/pipeline.sh"
RUN=$FIXTURES/inputs/run
# run_shapes: coldstart run on every shape: five record files and a directory.
run_shapes() {
	coldstart run "$RUN/lean_workbook.json" "$RUN/numinamath_lean.jsonl" "$RUN/goedel_pset.jsonl" \
		"$RUN/proofnet.jsonl" "$RUN/proverbench.jsonl" "$RUN/putnambench"
}
