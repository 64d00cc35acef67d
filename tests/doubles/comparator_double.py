"""comparator_double.py: a test double of leanprover/comparator's command line, for
scripts/audit-comparator.sh. Python 3 standard library only. It checks nothing in
Lean's sense. Written from comparator's Main.lean (see the README of
leanprover/comparator):

  comparator CONFIG.json      (run by `lake env` in the Lake project to judge)

  - no argument: "uncaught exception: Expected config file path as first argument."
    and exit 1 (an exception escaping `main`);
  - CONFIG is read as comparator's `Config` (FromJson): challenge_module,
    solution_module, theorem_names, permitted_axioms required (definition_names,
    enable_nanoda, external_kernels optional); a missing one is an exception;
  - `lean` (queryLeanPrefix runs `lean --print-prefix`), the landrun binary
    (COMPARATOR_LANDRUN, default landrun) and lean4export (COMPARATOR_LEAN4EXPORT,
    default lean4export) must be executable;
  - compareIt: "Building <challenge>" (`lake build` of a [[lean_lib]] of
    lakefile.toml in the current directory: <module>.lean must exist), "Exporting
    … from <challenge>", the same for the solution, then the comparison: each
    theorem of theorem_names stated alike in both (whitespace aside), each
    definition line before it in the challenge also in the solution; the axioms:
    a `sorry` in the solution is sorryAx, a `-- double: axioms A, B` marker names
    more, each must be permitted; `-- double: kernel-reject` in the solution: the
    kernel rejects it. Success prints "Your solution is okay!" and exits 0; any
    failure is an exception: "uncaught exception: …", exit 1.
With COMPARATOR_DOUBLE_LOG set, a JSON line per run (argv, cwd, the variables).
"""
import json
import os
import re
import shutil
import sys


def fail(msg):
    print("uncaught exception: %s" % msg)
    sys.stdout.flush()
    sys.exit(1)


def libs(path):
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return []
    return re.findall(r'\[\[lean_lib\]\]\s*name\s*=\s*"([^"]+)"', text)


def statement(text, name):
    m = re.search(r"(?m)^(?:theorem|lemma)\s+" + re.escape(name) + r"(?![\w'.])(.*?):=", text, re.S)
    return " ".join(m.group(1).split()) if m else None


def build(module):
    print("Building %s" % module)
    if module not in libs("lakefile.toml") or not os.path.exists(module + ".lean"):
        fail("Child exited with 1")
    if "-- double: does-not-compile" in open(module + ".lean", encoding="utf-8").read():
        print("%s.lean:1:0: error: unknown tactic" % module)
        fail("Child exited with 1")


def main():
    log = os.environ.get("COMPARATOR_DOUBLE_LOG")
    if log:
        with open(log, "a") as f:
            f.write(json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd(),
                                "landrun": os.environ.get("COMPARATOR_LANDRUN"),
                                "lean4export": os.environ.get("COMPARATOR_LEAN4EXPORT")}) + "\n")
    if len(sys.argv) < 2:
        fail("Expected config file path as first argument.")
    try:
        cfg = json.load(open(sys.argv[1], encoding="utf-8"))
    except (OSError, ValueError) as e:
        fail(str(e))
    for key in ("challenge_module", "solution_module", "theorem_names", "permitted_axioms"):
        if key not in cfg:
            fail("property not found: %s" % key)
    for tool in ("lean", os.environ.get("COMPARATOR_LANDRUN") or "landrun",
                 os.environ.get("COMPARATOR_LEAN4EXPORT") or "lean4export"):
        if not shutil.which(tool):
            fail("could not execute external process '%s'" % tool)
    chal, sol = cfg["challenge_module"], cfg["solution_module"]
    targets = cfg["theorem_names"] + cfg["permitted_axioms"]
    build(chal)
    print("Exporting %s from %s" % (targets, chal))
    build(sol)
    print("Exporting %s from %s" % (targets, sol))
    ctext = open(chal + ".lean", encoding="utf-8").read()
    stext = open(sol + ".lean", encoding="utf-8").read()
    for name in cfg["theorem_names"]:
        want, got = statement(ctext, name), statement(stext, name)
        if want is None or got is None:
            fail("Could not find %s" % name)
        if want != got:
            fail("Mismatch for %s" % name)
        first = re.search(r"(?m)^(?:theorem|lemma)\s+" + re.escape(name), ctext).start()
        for line in ctext[:first].splitlines():
            if re.match(r"\s*(noncomputable\s+)?(def|abbrev|structure|inductive)\b", line) and \
                    line.strip() not in [l.strip() for l in stext.splitlines()]:
                fail("Mismatch for %s" % line.split()[1 if line.split()[0] != "noncomputable" else 2])
    used = []
    if re.search(r"\bsorry\b", re.sub(r"--[^\n]*", "", stext)):
        used.append("sorryAx")
    for m in re.finditer(r"--\s*double:\s*axioms\s+([^\n]*)", stext):
        used += [a.strip() for a in m.group(1).split(",") if a.strip()]
    for a in used:
        if a not in cfg["permitted_axioms"]:
            fail("%s uses the axiom %s, which is not permitted" % (cfg["theorem_names"][0], a))
    print("Running Lean default kernel on solution.")
    if "-- double: kernel-reject" in stext:
        print("Lean default kernel rejects the solution")
        fail("(kernel) declaration type mismatch")
    print("Lean default kernel accepts the solution")
    print("Your solution is okay!")


if __name__ == "__main__":
    main()
