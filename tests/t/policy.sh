# policy.sh: what the 085x policy tests share. Source after lib.sh and lean-double.sh.
# A case file holds cases, each a line "### NAME", an optional line "%formal STATEMENT"
# (the problem's formal_statement, one line), then the code. Every case names a
# theorem or definition NAME (or NAME_...) so that what reached the REPL double shows.

# policy_cases FILE: the cases as cs-verify records (id: their number).
policy_cases() {
	python3 -S - "$1" <<'EOF'
import json, sys
H = "import Mathlib\nopen Real"
cases, cur = [], None
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if line.startswith("### "):
        cur = {"name": line[4:].strip(), "code": []}
        cases.append(cur)
    elif cur is not None and line.startswith("%formal ") and not cur["code"]:
        cur["formal_statement"] = line[8:]
    elif cur is not None:
        cur["code"].append(line)
for i, c in enumerate(cases, 1):
    r = {"id": i, "name": c["name"], "header": H, "code": "\n".join(c["code"]).rstrip("\n") + "\n"}
    if "formal_statement" in c:
        r["formal_statement"] = c["formal_statement"]
    print(json.dumps(r, ensure_ascii=False))
EOF
}

# policy_verdicts IN OUT: per input record, in order, "NAME VERDICT REACHED [STATEMENT] WHY":
# REACHED is whether its NAME reached the REPL double (double.log), STATEMENT the
# "statement" field when there is one.
policy_verdicts() {
	python3 -S - "$1" "$2" <<'EOF'
import json, re, sys
ins = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
outs = {}
for l in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(l)
    outs[r["id"]] = r
try:
    log = open("double.log", encoding="utf-8").read()
except OSError:
    log = ""
for r in ins:
    o = outs.get(r["id"], {})
    reached = "reached" if re.search(r"\b%s\b" % re.escape(r["name"]), log) else "unreached"
    stmt = " [%s]" % o["statement"] if "statement" in o else ""
    print("%s %s %s%s %s" % (r["name"], o.get("verdict", "MISSING"), reached, stmt, o.get("why") or "-"))
EOF
}

# policy_run CASES: cs-verify over the cases (in.jsonl), verdicts in got.
policy_run() {
	fresh &&
	policy_cases "$1" > in.jsonl &&
	{ cs-verify in.jsonl > out.jsonl; test $? -le 1; } &&
	policy_verdicts in.jsonl out.jsonl > got
}
