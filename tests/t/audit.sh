# audit.sh: what the 086x audit tests share. Source after lib.sh, lean-double.sh and
# policy.sh. Case files as policy.sh's, but a case's `%formal` lines accumulate (a
# formal statement of several lines: a problem that brings its own definitions) and
# a line "%allow_sorry" marks a sketch.

# audit_cases FILE: the cases as cs-verify records (id: their number).
audit_cases() {
	python3 -S - "$1" <<'EOF_PY'
import json, sys
H = "import Mathlib\nopen Real"
cases, cur = [], None
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if line.startswith("### "):
        cur = {"name": line[4:].strip(), "code": [], "formal": []}
        cases.append(cur)
    elif cur is not None and line.startswith("%formal ") and not cur["code"]:
        cur["formal"].append(line[8:])
    elif cur is not None:
        cur["code"].append(line)
for i, c in enumerate(cases, 1):
    r = {"id": i, "name": c["name"], "header": H, "code": "\n".join(c["code"]).rstrip("\n") + "\n"}
    if c["formal"]:
        r["formal_statement"] = "\n".join(c["formal"])
    print(json.dumps(r, ensure_ascii=False))
EOF_PY
}

# audit_run CASES: cs-verify over the cases (in.jsonl, out.jsonl), verdicts in got.
audit_run() {
	fresh &&
	audit_cases "$1" > in.jsonl &&
	{ cs-verify in.jsonl > out.jsonl; test $? -le 1; } &&
	policy_verdicts in.jsonl out.jsonl > got
}

# cut_of ID: the "cut" field of output record ID (JSON-escaped), or "-".
cut_of() {
	python3 -S - "$1" <<'EOF_PY'
import json, sys
for l in open("out.jsonl", encoding="utf-8"):
    r = json.loads(l)
    if r["id"] == int(sys.argv[1]):
        print(json.dumps(r["cut"], ensure_ascii=False) if "cut" in r else "-")
EOF_PY
}
