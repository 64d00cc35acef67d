"""checker_double.py: a test double of an external kernel checker run by cs-audit
(what scripts/audit-lean4checker.sh is for a real Lean). Python 3 standard library
only. It checks nothing in Lean's sense and never says it is Lean: its version is
"coldstart-test-double checker 0", so coldstart records its audits as unverified.

Interface (README "Kernel replay"): with CS_AUDIT_VERSION=1 it prints its version
and exits 0. Otherwise it reads CS_AUDIT_FILE and CS_AUDIT_STATEMENT_FILE and
  - refuses (exit 1) a file that is not CS_AUDIT_DIR/CS_AUDIT_MODULE.lean, a run
    outside CS_LEAN_DIR, a proof file without `theorem CS_AUDIT_THEOREM`, or one
    whose statement (whitespace aside) is not the statement file's;
  - prints "Replaying thm NAME" (as lean4checker does) and exits 0;
unless the proof file holds a marker:
  `-- double: kernel-reject`     "(kernel) declaration type mismatch" on stderr, exit 1
  `-- double: audit-hang`        sleeps for an hour
  `-- double: audit-crash`       kills itself with SIGSEGV
  `-- double: audit-exit N`      exits with status N
  `-- double: audit-read PATH`   tries to read PATH; says "read PATH: ok" or
                                 "read PATH: <error>" on stdout and exits 1
  `-- double: audit-write PATH`  the same for creating PATH
Options: --log FILE (a JSON line when a run starts: pid, version query or file,
cwd, time; and {"pid", "end": time} when a passing run ends; failures to write it
are ignored: the sandbox may forbid it), --version V, --sleep S (seconds to take
over a passing check), --tag WORD (ignored: lets tests find these processes).
"""
import argparse
import json
import os
import re
import signal
import sys
import time

MARK = re.compile(r"--\s*double:\s*(audit-[a-z]+|kernel-reject)([^\n]*)")


def log(path, rec):
    if not path:
        return
    try:
        with open(path, "a") as f:
            f.write(json.dumps(rec) + "\n")
    except OSError:
        pass


def normalize(text):
    return " ".join(text.split())


def refuse(msg):
    sys.stderr.write("coldstart-test-double checker: %s\n" % msg)
    sys.exit(1)


def try_io(path, write):
    try:
        if write:
            with open(path, "w") as f:
                f.write("escaped\n")
        else:
            with open(path) as f:
                f.read()
        return "ok"
    except OSError as e:
        return e.strerror or str(e)


def main():
    ap = argparse.ArgumentParser(description="kernel checker test double")
    ap.add_argument("--log")
    ap.add_argument("--version", default="coldstart-test-double checker 0")
    ap.add_argument("--sleep", type=float, default=0)
    ap.add_argument("--tag")
    a = ap.parse_args()
    env = os.environ
    if env.get("CS_AUDIT_VERSION") == "1":
        log(a.log, {"pid": os.getpid(), "query": "version", "cwd": os.getcwd()})
        print(a.version)
        return 0
    path, module = env.get("CS_AUDIT_FILE", ""), env.get("CS_AUDIT_MODULE", "")
    theorem, stmt_path = env.get("CS_AUDIT_THEOREM", ""), env.get("CS_AUDIT_STATEMENT_FILE", "")
    log(a.log, {"pid": os.getpid(), "file": path, "module": module, "theorem": theorem,
                "cwd": os.getcwd(), "start": time.time()})
    if not path or not os.path.isabs(path):
        sys.stderr.write("coldstart-test-double checker: CS_AUDIT_FILE is not an absolute path\n")
        return 2
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(stmt_path, encoding="utf-8") as f:
            stmt = f.read()
    except OSError as e:
        sys.stderr.write("coldstart-test-double checker: %s\n" % e)
        return 2
    m = MARK.search(text)
    if m:
        kind, arg = m.group(1), m.group(2).strip()
        if kind == "kernel-reject":
            refuse("(kernel) declaration type mismatch, '%s' has type ... but is expected to have type ..."
                   % theorem)
        if kind == "audit-hang":
            time.sleep(3600)
            return 0
        if kind == "audit-crash":
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGSEGV)
            time.sleep(10)
            return 0
        if kind == "audit-exit":
            sys.stderr.write("coldstart-test-double checker: exiting with status %s as asked\n" % arg)
            return int(arg or "2")
        if kind in ("audit-read", "audit-write"):
            print("%s %s: %s" % (kind[6:], arg, try_io(arg, kind == "audit-write")))
            return 1
    if os.path.dirname(path) != env.get("CS_AUDIT_DIR") or os.path.basename(path) != module + ".lean":
        refuse("%s is not CS_AUDIT_DIR/CS_AUDIT_MODULE.lean" % path)
    lean_dir = env.get("CS_LEAN_DIR")
    if lean_dir and os.path.realpath(os.getcwd()) != os.path.realpath(lean_dir):
        refuse("run in %s, not in CS_LEAN_DIR %s" % (os.getcwd(), lean_dir))
    decl = re.search(r"\btheorem\s+" + re.escape(theorem) + r"\b", text)
    if not decl:
        refuse("unknown constant '%s'" % theorem)
    challenge = normalize(stmt.rsplit("sorry", 1)[0])
    challenge = challenge[max(challenge.find("theorem " + theorem), 0):]
    if challenge not in normalize(text):
        refuse("'%s' does not prove the statement of the challenge" % theorem)
    time.sleep(a.sleep)
    print("Replaying thm %s" % theorem)
    log(a.log, {"pid": os.getpid(), "end": time.time()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
