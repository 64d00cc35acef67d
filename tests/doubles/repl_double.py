"""repl_double.py: a test double of the leanprover-community/repl (and, with
--kimina, of a kimina-lean-server). Python 3 standard library only.

Protocol as the real REPL: JSON commands separated by blank lines on stdin,
pretty-printed JSON replies each followed by a blank line on stdout;
environments numbered from 0 per process; {"cmd": ..., "env": N} runs in
environment N; {"tactic": ..., "proofState": N}; unknown environments and proof
states answered with {"message": ...}.

What a command yields is decided by its text:
  `#eval Lean.versionString`  info message "\"coldstart-test-double 0\"" (--version), or
                              with --version-refused the error of a Lean that has
                              no such constant
  a line `import ...`         {"env": N} after --import-delay seconds; when the
                              module's root is in --missing-modules, Lean's error
                              "unknown module prefix 'X'..." at 1:0 instead (what
                              Elab.processHeader reports for an .olean not found)
  `sorry` (a token outside comments and strings)
                              sorries with goals built from the statement and a
                              warning "declaration uses `sorry`" (--sorry-quote)
  `#print axioms NAME`        "'NAME' depends on axioms: [propext, Classical.choice,
                              Quot.sound]" (plus sorryAx when NAME's proof holds a
                              sorry or names a constant declared with one), or what
                              a `-- double: axioms A, B` (or `none`) marker in the
                              environment says; an error when NAME is not declared.
                              As Lean (src/Lean/Elab/Print.lean elabPrintAxioms,
                              printAxiomsOf): one info message at the `#print` token
                              (also behind `set_option … in`), NAME printed as
                              resolved (`_root_.` gone), the list a List's format
                              (",\n " between names when wider than 120 columns)
  `example : type_of% @A := @B`  passes when A and B are declared in the environment
                              with the same binders and type as elaborated (text,
                              whitespace aside, after the substitutions below); else
                              Lean's "type mismatch" error (or "unknown identifier").
                              Commands made only of these two lines (the pool's
                              audit) do not count as checks.
  `π` in a declaration's statement  "unknown identifier 'π'" unless `open ... Real`
                              comes before it in the environment (Mathlib's scoped
                              notation Real.pi)
  `-- double: means A B`      (or `notation "A" => B`): in the declarations after it,
                              the token A elaborates as B: a stand-in for what a
                              model's code can do to the meaning of a statement's
                              text (a notation, an instance, a shadowing def)
  `#eval IO.FS.writeFile "P" "C"`  writes P for real (so that a test sees whether a
                              forbidden command reached the REPL)
  `-- double: say L C SEV TEXT`  a SEV (info, warning, error) message TEXT at line L,
                              column C of the command (what code that logs at a
                              position of its choosing would make)
  `-- double: fail`           an error message (linarith failed) at the marker
  `-- double: fails-in NAME`  the same, but only inside the declaration of theorem NAME
                              (a proof that fits as a lemma but not where it is spliced)
  `-- double: hang`           never answers
  `-- double: crash`          exits with status 3 without answering
  `-- double: oom`            prints Lean's "INTERNAL PANIC: out of memory" on stderr and
                              exits with status 1 (src/runtime/object.cpp), as Lean does
                              when RLIMIT_AS (CS_LEAN_MEMORY) stops an allocation
  `-- double: signal N`       kills itself with signal N (9: the OOM killer, 24: SIGXCPU)
  `-- double: grow MB`        keeps MB more megabytes resident for the rest of its life
                              (a REPL that grows), then checks as usual
  `-- double: garbage`        prints a line that is not JSON
  `-- double: big`            answers an info message of --big-mb MB (default 50)
  `-- double: escape PATH PORT`  tries to create PATH and to connect to
                              127.0.0.1:PORT; says how both went in an info message
  `-- double: env NAME`       an info message "env NAME=VALUE" or "env NAME unset"
  `-- double: limits`         an info message "limits: AS=soft/hard CPU=.. FSIZE=.. CORE=.."
                              with the process's rlimits
  `-- double: alloc MB`       tries to allocate MB megabytes; says "alloc MB MB: ok"
                              or "alloc MB MB: MemoryError" in an info message
  `-- double: read PATH`      tries to read PATH; "read PATH: ok: <first line>" or
                              "read PATH: <error>" in an info message
  `-- double: list DIR`       "list DIR: a b c" (sorted entries) or "list DIR: <error>"
A command holding imports and code is both: the imports take --import-delay, the
code is checked with positions in the whole text. As a kimina-lean-server, the
double splits a snippet as the server does (app/split.py: the leading import and
blank lines are the header, the rest runs as one command in its environment, with
positions counted from the rest's first line).
Everything else passes after --check-delay seconds.

Options (each also as an environment variable CS_DOUBLE_<NAME>, e.g.
CS_DOUBLE_IMPORT_DELAY=2):
  --import-delay S, --check-delay S
  --crash-every N, --hang-every N   every Nth check of a process crashes / hangs
  --count-file FILE                 count the checks of all processes sharing FILE
                                    instead (so that a crash, which ends a process,
                                    does not restart the count)
  --crash-rate P, --seed S          each command but the version query crashes the
                                    process with probability P (random.Random of S and
                                    the command's number: over --count-file FILE.all
                                    when given, else per process and pid)
  --crash-on RE, --hang-on RE       a command whose text matches the regular expression
                                    RE (re.search) crashes / never answers, every time
                                    (a proof that kills Lean)
  --transcript FILE.in              answer each command with the reply a real Lean
                                    gave in FILE.expected.out (matched by command text)
  --pid-dir DIR                     create DIR/<pid> at start (tests count processes)
  --log FILE                        append one JSON line per command: pid, env, cmd
  --version V, --sorry-quote backtick|single, --big-mb N
  --missing-modules A,B             imports of these module roots fail
  --breaks A,B                      the declaration of theorem (or lemma) A or B fails
                                    with "unknown identifier '...renamed'" at its
                                    keyword: a proof a newer Mathlib broke
  --tag WORD                        ignored: lets tests find these processes
  --lean-layout                     lay sorries' goals out as Lean.Meta.ppGoal does at
                                    width 120: shadowed names h✝, consecutive
                                    hypotheses of one type grouped (x y : ℝ), a group
                                    too long for one line as "h :" and its type on the
                                    next line indented 2, broken further after infix
                                    operators (indented 4); a long target likewise
  --kimina                          serve POST /api/check on 127.0.0.1 (port 0 or
                                    --port), print "PORT n"; --max-seconds bounds it;
                                    GET /health answers {"status": "ok"}
  --kimina-slots N, --kimina-latency S  each snippet first holds one of N slots
                                    for S seconds (a server with N REPLs and a
                                    fixed check time; for benchmarks)
  --listen                          a TCP listener that logs "connected" to --log
                                    (the other end of the escape marker); prints "PORT n"
"""
import argparse
import json
import os
import re
import socket
import sys
import threading
import time

DEFAULT_VERSION = "coldstart-test-double 0"
MARK = re.compile(r"--\s*double:\s*([a-z-]+)([^\n]*)")
IDENT = re.compile(r"[^\W]|[_'!?.₀-₉ᵢ-ᵪ]", re.UNICODE)


def opt(name, default, conv=str):
    v = os.environ.get("CS_DOUBLE_" + name.upper().replace("-", "_"))
    return conv(v) if v not in (None, "") else default


def parse_args(argv):
    ap = argparse.ArgumentParser(description="leanprover-community/repl test double")
    ap.add_argument("--import-delay", type=float, default=opt("import-delay", 0.0, float))
    ap.add_argument("--check-delay", type=float, default=opt("check-delay", 0.0, float))
    ap.add_argument("--count-file", default=opt("count-file", None))
    ap.add_argument("--crash-every", type=int, default=opt("crash-every", 0, int))
    ap.add_argument("--hang-every", type=int, default=opt("hang-every", 0, int))
    ap.add_argument("--crash-rate", type=float, default=opt("crash-rate", 0.0, float))
    ap.add_argument("--seed", default=opt("seed", "0"))
    ap.add_argument("--crash-on", default=opt("crash-on", None))
    ap.add_argument("--hang-on", default=opt("hang-on", None))
    ap.add_argument("--transcript", default=opt("transcript", None))
    ap.add_argument("--pid-dir", default=opt("pid-dir", None))
    ap.add_argument("--log", default=opt("log", None))
    ap.add_argument("--version", default=opt("version", DEFAULT_VERSION))
    ap.add_argument("--sorry-quote", choices=["backtick", "single"], default=opt("sorry-quote", "backtick"))
    ap.add_argument("--big-mb", type=float, default=opt("big-mb", 50.0, float))
    ap.add_argument("--missing-modules", default=opt("missing-modules", ""))
    ap.add_argument("--breaks", default=opt("breaks", ""))
    ap.add_argument("--version-refused", action="store_true")
    ap.add_argument("--tag", default=None)
    ap.add_argument("--lean-layout", action="store_true", default=bool(opt("lean-layout", "")))
    ap.add_argument("--kimina", action="store_true")
    ap.add_argument("--listen", action="store_true")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--max-seconds", type=float, default=600.0)
    ap.add_argument("--kimina-slots", type=int, default=1)
    ap.add_argument("--kimina-latency", type=float, default=0.0)
    return ap.parse_args(argv)


def log_line(path, obj):
    if not path:
        return
    data = (json.dumps(obj, ensure_ascii=False) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def json_objects(text):
    """The JSON objects of a blank-line separated stream, in order."""
    dec = json.JSONDecoder(strict=False)
    i, out = 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        obj, i = dec.raw_decode(text, i)
        out.append(obj)


# ---- Lean text ----

def code_mask(text):
    """text with comments and string literals blanked (newlines kept), so that
    positions stay the same and only code remains."""
    out = list(text)
    i, n, depth = 0, len(text), 0
    while i < n:
        if depth:
            if text.startswith("/-", i):
                depth += 1
                out[i] = out[i + 1] = " "
                i += 2
            elif text.startswith("-/", i):
                depth -= 1
                out[i] = out[i + 1] = " "
                i += 2
            else:
                if text[i] != "\n":
                    out[i] = " "
                i += 1
        elif text.startswith("/-", i):
            depth = 1
            out[i] = out[i + 1] = " "
            i += 2
        elif text.startswith("--", i):
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
        elif text[i] == '"':
            out[i] = " "
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    out[i] = " "
                    i += 1
                if text[i] != "\n":
                    out[i] = " "
                i += 1
            if i < n:
                out[i] = " "
                i += 1
        else:
            i += 1
    return "".join(out)


def is_ident(c):
    return bool(IDENT.match(c))


def tokens(masked, word):
    """Offsets of `word` as a whole token in masked text."""
    i = masked.find(word)
    while i >= 0:
        j = i + len(word)
        if (i == 0 or not is_ident(masked[i - 1])) and (j >= len(masked) or not is_ident(masked[j])):
            yield i
        i = masked.find(word, i + 1)


def enclosing_theorem(text, off):
    """Name of the last theorem or lemma declared before offset off of text."""
    names = re.findall(r"^(?:theorem|lemma)\s+(\S+)", text[:off], re.M)
    return names[-1] if names else None


def line_col(text, off):
    line = text.count("\n", 0, off) + 1
    col = off - (text.rfind("\n", 0, off) + 1)
    return line, col


def split_top_colon(s):
    """'NAME binders : T' -> ('NAME binders', 'T') at the first colon outside brackets."""
    depth = 0
    for i, c in enumerate(s):
        if c in "([{⟨⦃":
            depth += 1
        elif c in ")]}⟩⦄":
            depth -= 1
        elif c == ":" and depth == 0 and not s.startswith(":=", i):
            return s[:i], s[i + 1:]
    return s, ""


def binder_hyps(binders):
    """'(x y : ℝ) (h₀ : x = 1) [Fintype α]' -> ['x y : ℝ', 'h₀ : x = 1', 'inst✝ : Fintype α']."""
    hyps, depth, start, opener = [], 0, 0, ""
    pairs = {"(": ")", "{": "}", "[": "]", "⦃": "⦄"}
    for i, c in enumerate(binders):
        if depth == 0 and c in pairs:
            depth, start, opener = 1, i + 1, c
        elif depth > 0 and c in "([{⦃⟨":
            depth += 1
        elif depth > 0 and c in ")]}⦄⟩":
            depth -= 1
            if depth == 0:
                inner = " ".join(binders[start:i].split())
                names, typ = split_top_colon(inner)
                if opener == "[" and not typ:
                    hyps.append("inst✝ : " + inner)
                elif typ:
                    hyps.append("%s : %s" % (" ".join(names.split()), " ".join(typ.split())))
    return hyps


def statement_of(masked, kw_off, stop):
    """From a keyword (theorem/lemma/have/example) to `stop` (its `:=`):
    (name, binders, type), whitespace normalised."""
    head = masked[kw_off:stop]
    kw = head.split(None, 1)[0]
    rest = head[len(kw):].strip()
    before, typ = split_top_colon(rest)
    before = before.strip()
    name = ""
    if kw != "example" and before and before[0] not in "([{⦃":
        name = before.split(None, 1)[0]
        before = before[len(name):]
    return name, before, " ".join(typ.split())


DECL = re.compile(r"(?m)^[ \t]*(?:@\[[^\]]*\][ \t]*)?(?:(?:private|protected|noncomputable)[ \t]+)*"
                  r"(theorem|lemma|def|example|instance|abbrev)\b[ \t]*([^\s(:{\[]*)")


def declarations(masked):
    """[(keyword, name, offset of keyword, offset of name)] in order."""
    out = []
    for m in DECL.finditer(masked):
        out.append((m.group(1), m.group(2), m.start(1), m.start(2)))
    return out


def owner_statement(text, masked, off, decl):
    """The statement a sorry at off proves: the have whose `:= by` (or `:=`) block
    holds it, else the declaration. Returns (type, [hyps])."""
    kw, name, kw_off, _ = decl
    # the declaration's own statement
    stop = masked.find(":=", kw_off)
    if stop < 0 or stop > off:
        stop = off
    _, binders, dtype = statement_of(masked, kw_off, stop)
    hyps = binder_hyps(binders)
    body_start = stop + 2
    # haves between the declaration and the sorry, with their indentation
    line_start = masked.rfind("\n", 0, off) + 1
    prefix = masked[line_start:off]
    sorry_indent = len(prefix) - len(prefix.lstrip(" "))
    same_line = prefix.strip() != ""
    owner = None
    earlier = []
    for m in re.finditer(r"\bhave\b", masked[body_start:off]):
        h = body_start + m.start()
        assign = masked.find(":=", h)
        if assign < 0 or assign > off:
            continue
        hname, hbind, htype = statement_of(masked, h, assign)
        hl = masked.rfind("\n", 0, h) + 1
        hindent = len(masked[hl:h]) - len(masked[hl:h].lstrip(" "))
        between = masked[assign + 2:off]
        holds = (same_line and masked.rfind("\n", 0, h) == masked.rfind("\n", 0, off)) or \
                (not same_line and sorry_indent > hindent and
                 all(not ln.strip() or len(ln) - len(ln.lstrip(" ")) > hindent
                     for ln in between.split("\n")[1:]))
        if holds:
            owner = (hname or "this", hbind, htype)
            break
        earlier.append("%s : %s" % (hname or "this", htype))
    if owner is None:
        # earlier haves closed before this sorry are hypotheses of the main goal
        return dtype, hyps + earlier
    return owner[2], hyps + binder_hyps(owner[1]) + earlier


# ---- goals laid out as Lean prints them ----
# Lean.Meta.ppGoal (src/Lean/Meta/PPGoal.lean): each group of hypotheses is
# (names ++ " :" ++ nest 2 (line ++ type)).group, the target "⊢ " ++ nest 2 type, on
# Std.Format at width 120; an infix operator's right side breaks after the operator,
# indented 4 (ppIndent). Widths count code points, as String.length does.

WIDTH = 120
INFIX = ((" ↔ ", " → "), (" ∧ ", " ∨ "), (" = ", " ≠ ", " ≤ ", " < ", " ≥ ", " > "), (" + ", " - "), (" * ", " / "))
SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def sup(n):
    return "".join(SUPERSCRIPT[int(d)] for d in str(n)) if n else ""


def infix_pieces(t):
    """t cut after each top-level infix operator of the loosest kind it holds (the
    outermost application breaks first): ['a +', 'b =', 'c']."""
    for ops in INFIX:
        pieces, depth, start, i = [], 0, 0, 0
        while i < len(t):
            c = t[i]
            if c in "([{⟨":
                depth += 1
            elif c in ")]}⟩":
                depth -= 1
            elif depth == 0:
                op = next((o for o in ops if t.startswith(o, i)), None)
                if op:
                    pieces.append(t[start:i + len(op) - 1])
                    i += len(op)
                    start = i
                    continue
            i += 1
        if pieces:
            return pieces + [t[start:]]
    return [t]


def fill(t, first_col, indent):
    """t from column first_col, broken after infix operators when it does not fit
    (a piece still too long broken again, indented 2 more): its lines, the first
    without indentation."""
    if first_col + len(t) <= WIDTH:
        return [t]
    pieces = infix_pieces(t)
    if len(pieces) == 1:
        return [t]
    lines, cur, col = [], "", first_col
    for piece in pieces:
        if cur and col + len(cur) + 1 + len(piece) > WIDTH:
            lines.append(" " * col + cur if lines else cur)
            cur, col = "", indent
        if not cur and col + len(piece) > WIDTH:
            sub = fill(piece, col, indent + 2)
            lines.append(" " * col + sub[0] if lines else sub[0])
            lines += sub[1:-1]
            if len(sub) > 1:
                cur, col = sub[-1].lstrip(" "), len(sub[-1]) - len(sub[-1].lstrip(" "))
            continue
        cur = cur + " " + piece if cur else piece
    if cur:
        lines.append(" " * col + cur if lines else cur)
    return lines


def lean_layout(hyps, target):
    """The goal text of hypotheses ['x y : ℝ', ...] and a target, as ppGoal lays it out."""
    flat = []
    for h in hyps:
        names, _, typ = h.partition(" : ")
        flat += [[n, typ] for n in names.split()]
    for i, (n, _) in enumerate(flat):
        later = sum(1 for m, _ in flat[i + 1:] if m == n)
        if n.endswith("✝"):
            flat[i][0] = n + sup(later)
        elif later:
            flat[i][0] = n + "✝" + sup(later - 1)
    groups = []
    for n, typ in flat:
        if groups and groups[-1][1] == typ:
            groups[-1][0].append(n)
        else:
            groups.append([[n], typ])
    out = []
    for names, typ in groups:
        head = " ".join(names)
        if len(head) + 3 + len(typ) <= WIDTH:
            out.append("%s : %s" % (head, typ))
        else:
            out.append(head + " :")
            out += ["  " + l if k == 0 else l for k, l in enumerate(fill(typ, 2, 4))]
    out += ["⊢ " + l if k == 0 else l for k, l in enumerate(fill(target, 2, 4))]
    return "\n".join(out)


# ---- the REPL ----

def shared_count(path):
    """Increment the check counter in path (shared by processes, under flock); its new value."""
    import fcntl
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        n = int(os.read(fd, 32) or b"0") + 1
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, b"%d" % n)
        return n
    finally:
        os.close(fd)


class Repl:
    def __init__(self, a):
        self.a = a
        self.envs = []           # text of each environment
        self.imports = []        # did the environment import anything
        self.nstates = 0
        self.nchecks = 0
        self.ncmds = 0
        self.held = []           # what `grow` keeps resident
        self.transcript = load_transcript(a.transcript) if a.transcript else None

    def new_env(self, text, imported):
        self.envs.append(text)
        self.imports.append(imported)
        return len(self.envs) - 1

    def handle(self, req):
        """The reply (a dict), or None for no reply (the caller decides)."""
        if not isinstance(req, dict):
            return {"message": "Could not parse JSON: not an object"}
        if "cmd" in req:
            return self.command(req)
        if "tactic" in req:
            return self.tactic(req)
        if "pickleTo" in req or "unpickleEnvFrom" in req or "unpickleProofStateFrom" in req:
            return {"message": "coldstart-test-double: pickling is not supported"}
        return {"message": "Could not parse as a valid JSON command"}

    def schedule(self, text):
        """The fault schedules that do not depend on what the command is."""
        a = self.a
        if a.crash_rate > 0:
            import random
            if a.count_file:
                n, key = shared_count(a.count_file + ".all"), "%s:%d"
            else:
                self.ncmds += 1
                n, key = self.ncmds, "%s:%d:" + str(os.getpid())
            if random.Random(key % (a.seed, n)).random() < a.crash_rate:
                sys.stderr.write("coldstart-test-double: crashing at random (command %d)\n" % n)
                sys.stderr.flush()
                os._exit(3)
        if a.crash_on and re.search(a.crash_on, text):
            sys.stderr.write("coldstart-test-double: crashing on this code (--crash-on)\n")
            sys.stderr.flush()
            os._exit(3)
        if a.hang_on and re.search(a.hang_on, text):
            while True:
                time.sleep(3600)

    def tactic(self, req):
        if self.transcript is not None:
            rep = self.transcript.get(("tactic", req.get("tactic"), req.get("proofState")))
            if rep is not None:
                return rep
        ps = req.get("proofState")
        if not isinstance(ps, int) or ps >= self.nstates:
            return {"message": "Unknown proof state."}
        n = self.nstates
        self.nstates += 1
        return {"proofStatus": "Completed", "proofState": n, "goals": []}

    def command(self, req):
        text = req.get("cmd")
        env = req.get("env")
        log_line(self.a.log, {"pid": os.getpid(), "env": env, "cmd": text})
        if not isinstance(text, str):
            return {"message": "Could not parse as a valid JSON command"}
        if env is not None and (not isinstance(env, int) or env < 0 or env >= len(self.envs)):
            return {"message": "Unknown environment."}
        base = self.envs[env] if env is not None else ""
        if text.strip() != "#eval Lean.versionString":
            self.schedule(text)
        if text.strip() == "#eval Lean.versionString":
            if self.a.version_refused:
                return {"messages": [msg("error", 1, 6, 1, 24, "unknown identifier 'Lean.versionString'")],
                        "env": self.new_env(base, False)}
            return {"messages": [msg("info", 1, 0, 1, 5, json.dumps(self.a.version))],
                    "env": self.new_env(base, False)}
        if self.transcript is not None:
            rep = self.transcript.get(("cmd", text))
            if rep is not None:
                return rep
            return {"message": "coldstart-test-double: no reply in the transcript for this command"}
        masked = code_mask(text)
        if re.search(r"(?m)^\s*import\s", masked):
            if env is not None:
                m = re.search(r"(?m)^\s*import\b", masked)
                line, col = line_col(text, m.start())
                return {"messages": [msg("error", line, col, line, col + 6,
                                         "invalid 'import' command, it must be used in the beginning of the file")],
                        "env": self.new_env(base, False)}
            time.sleep(self.a.import_delay)
            missing = [r for r in self.a.missing_modules.split(",") if r]
            for mm in re.finditer(r"(?m)^\s*import\s+([^\s.]+)", masked):
                if mm.group(1) in missing:
                    pkg = mm.group(1)
                    # src/Lean/Util/Path.lean findOLean, caught by Elab.processHeader
                    return {"messages": [msg("error", 1, 0, 1, 6,
                                             "unknown module prefix '%s'\n\nNo directory '%s' or file '%s.olean' "
                                             "in the search path entries:\n/nonexistent/.lake/build/lib/lean"
                                             % (pkg, pkg, pkg))],
                            "env": self.new_env("", False)}
            # Imports, then maybe code (a kimina snippet is header and body in one):
            # blank the import lines, keep positions, and check the rest as a body.
            rest = re.sub(r"(?m)^[ \t]*import\b[^\n]*", lambda mm: " " * len(mm.group(0)), masked)
            if not declarations(rest) and not MARK.search(text) and "#print" not in rest:
                return {"env": self.new_env(text, True)}
            masked = rest
        else:
            m = re.match(r"\s*#print\s+axioms\s+(\S+)\s*$", masked)
            if m:
                return self.axioms(m.group(1), base, text)
            if masked.strip() and all(AUDIT_LINE.match(ln) for ln in masked.split("\n") if ln.strip()):
                return self.audit(text, masked, base, env)
        self.nchecks = shared_count(self.a.count_file) if self.a.count_file else self.nchecks + 1
        marks = [(mm.group(1), mm.group(2).strip(), mm.start()) for mm in MARK.finditer(text)]
        kinds = {k for k, _, _ in marks}
        if (self.a.crash_every and self.nchecks % self.a.crash_every == 0) or "crash" in kinds:
            sys.stderr.write("coldstart-test-double: crashing as asked (check %d)\n" % self.nchecks)
            sys.stderr.flush()
            os._exit(3)
        if (self.a.hang_every and self.nchecks % self.a.hang_every == 0) or "hang" in kinds:
            while True:
                time.sleep(3600)
        if "garbage" in kinds:
            return "garbage"
        if "oom" in kinds:
            # src/runtime/object.cpp lean_internal_panic_out_of_memory
            sys.stderr.write("INTERNAL PANIC: out of memory\n")
            sys.stderr.flush()
            os._exit(1)
        for kind, arg, _ in marks:
            if kind == "signal":
                os.kill(os.getpid(), int(arg.split()[0]))
                time.sleep(10)
            elif kind == "grow":
                self.held.append(bytearray(int(arg.split()[0]) * 1024 * 1024))
                for i in range(0, len(self.held[-1]), 4096):
                    self.held[-1][i] = 1
        time.sleep(self.a.check_delay)
        messages, sorries = [], []
        for kind, arg, off in marks:
            line, col = line_col(text, off)
            if kind == "fail" or (kind == "fails-in" and enclosing_theorem(text, off) == arg):
                messages.append(msg("error", line, col, line, col + 2,
                                    "linarith failed to find a contradiction\ncase a\n⊢ False failed"))
            elif kind == "big":
                size = int(self.a.big_mb * 1024 * 1024)
                chunk = "coldstart-test-double big answer line\n"
                messages.append(msg("info", line, col, line, col + 2, chunk * (size // len(chunk) + 1)))
            elif kind == "escape":
                messages.append(msg("info", line, col, line, col + 2, escape(arg)))
            elif kind == "env":
                name = arg.split()[0] if arg.split() else ""
                val = os.environ.get(name)
                messages.append(msg("info", line, col, line, col + 2,
                                    "env %s=%s" % (name, val) if val is not None else "env %s unset" % name))
            elif kind == "limits":
                messages.append(msg("info", line, col, line, col + 2, limits()))
            elif kind == "alloc":
                messages.append(msg("info", line, col, line, col + 2, alloc(arg)))
            elif kind == "read":
                messages.append(msg("info", line, col, line, col + 2, read_file(arg)))
            elif kind == "list":
                messages.append(msg("info", line, col, line, col + 2, list_dir(arg)))
            elif kind == "say":
                parts = arg.split(None, 3)
                if len(parts) == 4:
                    sl, sc = int(parts[0]), int(parts[1])
                    messages.append(msg(parts[2], sl, sc, sl, sc + 1, parts[3].replace("\\n", "\n")))
        for m in re.finditer(r'#eval\s+IO\.FS\.writeFile\s+"([^"]*)"\s+"([^"]*)"', text):
            line, col = line_col(text, m.start())
            try:
                with open(m.group(1), "w") as f:
                    f.write(m.group(2))
                messages.append(msg("info", line, col, line, col + 5, "()"))
            except OSError as e:
                messages.append(msg("error", line, col, line, col + 5, "%s: %s" % (m.group(1), e.strerror)))
        # --breaks: what a newer Mathlib does to a proof that uses a renamed lemma
        for name in [b for b in self.a.breaks.split(",") if b]:
            for m in re.finditer(r"(?m)^[ \t]*(?:theorem|lemma)[ \t]+" + re.escape(name) + r"(?![\w'.])", masked):
                line, col = line_col(text, m.start())
                messages.append(msg("error", line, col, line, col + 7,
                                    "unknown identifier 'Nat.lt_of_lt_of_le_renamed' (coldstart-test-double: --breaks %s)"
                                    % name))
        messages += self.type_checks(text, masked, base)
        messages += scoped_errors(text, masked, base)
        messages += self.axiom_lines(text, masked, base)
        decls = declarations(masked)
        warned = set()
        for off in tokens(masked, "sorry"):
            owners = [d for d in decls if d[2] < off]
            line, col = line_col(text, off)
            if owners:
                goal_t, hyps = owner_statement(text, masked, off, owners[-1])
            else:
                goal_t, hyps = "True", []
            sorries.append({"proofState": self.nstates,
                            "pos": {"line": line, "column": col},
                            "goal": lean_layout(hyps, goal_t or "True") if self.a.lean_layout else
                                    "\n".join(hyps + ["⊢ " + (goal_t or "True")]),
                            "endPos": {"line": line, "column": col + 5}})
            self.nstates += 1
            d = owners[-1] if owners else None
            if d is not None and d[2] not in warned:
                warned.add(d[2])
                q = "`sorry`" if self.a.sorry_quote == "backtick" else "'sorry'"
                nl, nc = line_col(text, d[3])
                w = len(d[1]) if d[1] else len(d[0])
                messages.append(msg("warning", nl, nc, nl, nc + w, "declaration uses %s" % q))
        reply = {}
        if sorries:
            reply["sorries"] = sorries
        if messages:
            messages.sort(key=lambda m: (m["pos"]["line"], m["pos"]["column"]))
            reply["messages"] = messages
        reply["env"] = self.new_env(base + "\n" + text, self.imports[env] if env is not None else False)
        return reply

    def audit(self, text, masked, base, env):
        """A command of `example : type_of% ...` and `#print axioms ...` lines only."""
        messages = self.type_checks(text, masked, base) + self.axiom_lines(text, masked, base)
        reply = {"messages": messages} if messages else {}
        reply["env"] = self.new_env(base + "\n" + text, self.imports[env] if env is not None else False)
        return reply

    def axiom_lines(self, text, masked, base):
        """Messages of each `#print axioms NAME` line of text, at that line."""
        out = []
        for m in PRINT_AXIOMS.finditer(masked):
            rep = self.axioms(m.group("name"), base + "\n" + text[:m.start("tk")], text)
            line, col = line_col(text, m.start("tk"))
            for mm in rep["messages"]:
                mm["pos"] = {"line": line, "column": col}
                mm["endPos"] = {"line": line, "column": col + 6}
                out.append(mm)
        return out

    def type_checks(self, text, masked, base):
        """Messages of each `example : type_of% @A := @B` in text: none when A and B
        state the same (binders and type, whitespace aside), else Lean's error."""
        out = []
        for m in TYPE_OF.finditer(masked):
            env_text = base + "\n" + text[:m.start()]
            a, b = unroot(m.group(1)), unroot(m.group(2))
            sa, sb = declared_statement(env_text, a), declared_statement(env_text, b)
            for name, st, off in ((a, sa, m.start(1)), (b, sb, m.start(2))):
                if st is None:
                    line, col = line_col(text, off)
                    out.append(msg("error", line, col, line, col + len(name), "unknown identifier '%s'" % name))
                    break
            else:
                if sa != sb:
                    line, col = line_col(text, m.start(2) - 1)
                    out.append(msg("error", line, col, line, col + 1 + len(b),
                                   "type mismatch\n  @%s\nhas type\n  %s : Prop\nbut is expected to have type\n  %s : Prop"
                                   % (b, pi_type(sb), pi_type(sa))))
        return out

    def axioms(self, name, base, text):
        name = unroot(name)
        masked = code_mask(base)
        line, col = 1, 0
        decl = declaration_of(masked, name)
        if decl is None:
            return {"messages": [msg("error", 1, 15, 1, 15 + len(name), "unknown constant '%s'" % name)],
                    "env": self.new_env(base, False)}
        said = None
        for m in MARK.finditer(base):
            if m.group(1) == "axioms":
                said = m.group(2).strip()
        if said == "none":
            data = "'%s' does not depend on any axioms" % name
        else:
            found = said or "propext, Classical.choice, Quot.sound"
            if said is None and uses_sorry(masked, decl):
                found = "propext, sorryAx, Classical.choice, Quot.sound"
            names = [x.strip() for x in found.split(",")]
            data = "'%s' depends on axioms: [%s]" % (name, ", ".join(names))
            if len(data) > 120:  # Format.joinSep in a group: every line breaks, nest 1
                data = "'%s' depends on axioms: [%s]" % (name, ",\n ".join(names))
        return {"messages": [msg("info", line, col, line, col + 6, data)], "env": self.new_env(base, False)}


SCOPED = {"π": "Real"}  # notation -> the namespace whose `open` brings it


def scoped_errors(text, masked, base):
    """Errors for scoped notation used in a declaration's statement without its open."""
    out = []
    for kw, name, off, _ in declarations(masked):
        stop = masked.find(":=", off)
        head = masked[off:stop if stop >= 0 else len(masked)]
        before = code_mask(base) + "\n" + masked[:off]
        for tok, ns in SCOPED.items():
            hits = list(tokens(head, tok))
            if hits and not re.search(r"(?m)^[ \t]*open\b[^\n]*\b%s\b" % ns, before):
                line, col = line_col(text, off + hits[0])
                out.append(msg("error", line, col, line, col + len(tok), "unknown identifier '%s'" % tok))
    return out


TYPE_OF = re.compile(r"(?m)^[ \t]*example\s*:\s*type_of%\s*@(\S+)\s*:=\s*@(\S+)")
SET_OPTION_IN = r"(?:set_option\s+[\w.]+\s+\S+\s+in\s+)*"
PRINT_AXIOMS = re.compile(r"(?m)^[ \t]*" + SET_OPTION_IN + r"(?P<tk>#print)\s+axioms\s+(?P<name>\S+)")
AUDIT_LINE = re.compile(r"^[ \t]*(example\s*:\s*type_of%\s*@\S+\s*:=\s*@\S+|" + SET_OPTION_IN +
                        r"#print\s+axioms\s+\S+)[ \t]*$")


def unroot(name):
    """The constant `_root_.X` names (src/Lean/ResolveName.lean: `_root_` is the root)."""
    return name[len("_root_."):] if name.startswith("_root_.") else name


def declaration_of(masked, name):
    """(offset of the keyword, offset of its `:=`, end of its proof) of the last
    theorem/lemma/def/abbrev/instance `name` in masked text, or None."""
    found = None
    for m in re.finditer(r"\b(theorem|lemma|def|abbrev|instance)\s+" + re.escape(name) + r"(?![\w'.])", masked):
        found = m
    if found is None:
        return None
    assign = masked.find(":=", found.end())
    if assign < 0:
        assign = len(masked)
    following = [d[2] for d in declarations(masked) if d[2] > found.start()]
    return found.start(), assign, (following[0] if following else len(masked))


NOTATION = re.compile(r'(?m)^[ \t]*(?:local |scoped )?notation\s+"([^"]+)"\s*=>\s*(\S+)')


def declared_statement(text, name):
    """(binders, type) of declaration `name` in text as elaborated there: whitespace
    normalised, the substitutions declared before it applied; or None."""
    masked = code_mask(text)
    decl = declaration_of(masked, name)
    if decl is None:
        return None
    _, binders, typ = statement_of(masked, decl[0], decl[1])
    st = [" ".join(binders.split()), typ]
    subs = [(m.start(), m.group(2).split()) for m in MARK.finditer(text) if m.group(1) == "means"]
    subs += [(m.start(), [m.group(1), m.group(2)]) for m in NOTATION.finditer(text)]
    for off, ab in sorted(subs):
        if off < decl[0] and len(ab) == 2:
            st = [substitute(x, ab[0], ab[1]) for x in st]
    return tuple(st)


def substitute(text, a, b):
    """text with every token a (not inside a longer identifier) replaced by b."""
    offs = list(tokens(text, a))
    for off in reversed(offs):
        text = text[:off] + b + text[off + len(a):]
    return text


def pi_type(st):
    """How Lean would print a declaration's type: ∀ binders, T."""
    binders, typ = st
    return "∀ %s, %s" % (binders, typ) if binders else typ


def uses_sorry(masked, decl):
    """Does the proof of decl hold a sorry, or name a constant declared with one?"""
    proof = masked[decl[1]:decl[2]]
    if any(True for _ in tokens(proof, "sorry")):
        return True
    for d in declarations(masked):
        if not d[1] or d[2] == decl[0]:
            continue
        other = declaration_of(masked, d[1])
        if other and any(True for _ in tokens(masked[other[1]:other[2]], "sorry")) and \
                any(True for _ in tokens(proof, d[1])):
            return True
    return False


def msg(sev, line, col, eline, ecol, data):
    return {"severity": sev, "pos": {"line": line, "column": col},
            "endPos": {"line": eline, "column": ecol}, "data": data}


def escape(arg):
    parts = arg.split()
    out = []
    if parts:
        try:
            with open(parts[0], "w") as f:
                f.write("escaped\n")
            out.append("write %s: ok" % parts[0])
        except OSError as e:
            out.append("write %s: %s" % (parts[0], e.strerror))
    if len(parts) > 1:
        try:
            s = socket.create_connection(("127.0.0.1", int(parts[1])), timeout=3)
            s.sendall(b"escaped\n")
            s.close()
            out.append("connect 127.0.0.1:%s: ok" % parts[1])
        except OSError as e:
            out.append("connect 127.0.0.1:%s: %s" % (parts[1], e.strerror or e))
    return "escape: " + "; ".join(out)


def limits():
    import resource
    out = []
    for name in ("AS", "CPU", "FSIZE", "CORE"):
        soft, hard = resource.getrlimit(getattr(resource, "RLIMIT_" + name))
        fmt = lambda v: "unlimited" if v == resource.RLIM_INFINITY else str(v)
        out.append("%s=%s/%s" % (name, fmt(soft), fmt(hard)))
    return "limits: " + " ".join(out)


def alloc(arg):
    try:
        mb = int(arg.split()[0])
    except (ValueError, IndexError):
        return "alloc: say how many MB"
    try:
        b = bytearray(mb * 1024 * 1024)
        del b
        return "alloc %d MB: ok" % mb
    except MemoryError:
        return "alloc %d MB: MemoryError" % mb


def read_file(arg):
    path = arg.strip()
    try:
        with open(path, errors="replace") as f:
            return "read %s: ok: %s" % (path, f.readline().rstrip("\n"))
    except OSError as e:
        return "read %s: %s" % (path, e.strerror)


def list_dir(arg):
    path = arg.strip()
    try:
        return "list %s: %s" % (path, " ".join(sorted(os.listdir(path))))
    except OSError as e:
        return "list %s: %s" % (path, e.strerror)


def split_snippet(code):
    """kimina-lean-server's split (app/split.py): the leading lines that are blank or
    start with `import ` are the header (imports only, Mathlib first, no repeats), the
    rest is the body."""
    lines = code.splitlines()
    header_lines, body_lines, found_body = [], [], False
    for line in lines:
        if not found_body and (line.strip().startswith("import ") or line.strip() == ""):
            header_lines.append(line)
        else:
            found_body = True
            body_lines.append(line)
    imports, seen, has_mathlib = [], set(), False
    for line in header_lines:
        stripped = line.strip()
        if not stripped.startswith("import "):
            continue
        if stripped.startswith("import Mathlib"):
            has_mathlib = True
        elif stripped not in seen:
            imports.append(stripped)
            seen.add(stripped)
    header = (["import Mathlib"] if has_mathlib else []) + imports
    return "\n".join(header), "\n".join(body_lines)


def load_transcript(path):
    if path.endswith(".in"):
        path = path[:-3]
    with open(path + ".in", encoding="utf-8") as f:
        cmds = json_objects(f.read())
    with open(path + ".expected.out", encoding="utf-8") as f:
        reps = json_objects(f.read())
    table = {}
    for c, r in zip(cmds, reps):
        key = ("cmd", c["cmd"]) if "cmd" in c else ("tactic", c.get("tactic"), c.get("proofState"))
        table.setdefault(key, r)
    return table


def write_reply(out, reply):
    if reply == "garbage":
        out.write(b"coldstart-test-double: this line is not JSON\n\n")
    else:
        out.write(json.dumps(reply, ensure_ascii=False, indent=1).encode() + b"\n\n")
    out.flush()


def serve_stdio(a):
    repl = Repl(a)
    out = sys.stdout.buffer
    buf = []
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", "replace")
        if line.strip():
            buf.append(line)
            continue
        if not buf:
            continue
        text, buf = "".join(buf), []
        try:
            req = json.loads(text)
        except ValueError as e:
            write_reply(out, {"message": "Could not parse JSON:\n%s" % e})
            continue
        write_reply(out, repl.handle(req))
    if buf:
        try:
            write_reply(out, repl.handle(json.loads("".join(buf))))
        except ValueError:
            pass


def bounded(seconds):
    t = threading.Timer(seconds, lambda: os._exit(0))
    t.daemon = True
    t.start()


def serve_kimina(a):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    lock = threading.Lock()
    slots = threading.BoundedSemaphore(max(1, a.kimina_slots))
    state = {"repl": Repl(a)}

    class H(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            # server/routers/health.py: GET /health -> {"status": "ok"}
            if self.path.rstrip("/") != "/health":
                self.send_error(404)
                return
            log_line(a.log, {"pid": os.getpid(), "kimina": True, "health": True})
            body = b'{"status":"ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            if self.path.rstrip("/") != "/api/check":
                self.send_error(404)
                return
            n = int(self.headers.get("Content-Length") or 0)
            try:
                req = json.loads(self.rfile.read(n))
                snippets = req["snippets"]
            except (ValueError, KeyError, TypeError):
                self.send_error(400)
                return
            results = []
            for sn in snippets:
                t0 = time.time()
                code = sn.get("code", "")
                kinds = {m.group(1) for m in MARK.finditer(code)}
                res = {"id": sn.get("id"), "time": 0.0, "error": None, "response": None}
                if "hang" in kinds:
                    time.sleep(min(float(req.get("timeout", 60)), a.max_seconds))
                    res["error"] = "Lean REPL command timed out."
                elif "crash" in kinds:
                    res["error"] = "Lean REPL process crashed (coldstart-test-double)"
                elif "garbage" in kinds:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"Internal Server Error")
                    return
                else:
                    if a.kimina_latency > 0:  # one of --kimina-slots REPLs busy that long
                        with slots:
                            time.sleep(a.kimina_latency)
                    with lock:
                        repl = state["repl"]
                        log_line(a.log, {"pid": os.getpid(), "kimina": True, "cmd": code})
                        header, body = split_snippet(code)
                        env = None
                        if header:
                            hrep = repl.handle({"cmd": header})
                            env = hrep.get("env")
                        res["response"] = repl.handle({"cmd": body} if env is None else {"cmd": body, "env": env})
                res["time"] = time.time() - t0
                results.append(res)
            body = json.dumps({"results": results}, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = ThreadingHTTPServer(("127.0.0.1", a.port), H)
    srv.daemon_threads = True
    print("PORT %d" % srv.server_address[1], flush=True)
    bounded(a.max_seconds)
    srv.serve_forever()


def serve_listener(a):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", a.port))
    s.listen(8)
    print("PORT %d" % s.getsockname()[1], flush=True)
    bounded(a.max_seconds)
    while True:
        c, _ = s.accept()
        log_line(a.log, {"connected": True})
        c.close()


def main():
    a = parse_args(sys.argv[1:])
    if a.kimina:
        serve_kimina(a)
        return
    if a.listen:
        serve_listener(a)
        return
    if a.pid_dir:
        with open(os.path.join(a.pid_dir, str(os.getpid())), "w") as f:
            f.write("%d\n" % os.getpid())
    try:
        serve_stdio(a)
    except BrokenPipeError:
        pass


if __name__ == "__main__":
    main()
