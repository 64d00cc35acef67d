#!/usr/bin/env python3
"""policy-counts.py [DIR...]: what the Lean proofs in DIR (default tests/fixtures/dsp2)
use of what lean_text/lean_forbid.c allow-lists: attributes (in @[...] and
attribute [...]), identifiers at column 0 (where Lean reads a command), options
of set_option, and the names of metaprogramming namespaces (Lean., IO., ...).
Comments and strings are removed first (roughly: this is a count, not a lexer).
Prints one line per construct: KIND NAME COUNT FILES."""
import collections
import glob
import os
import re
import sys

META = ("Lean", "IO", "EIO", "BaseIO", "EStateM", "System", "ST", "Std", "Aesop", "Qq")


def strip(src):
    src = re.sub(r'"(?:\\.|[^"\\])*"', '""', src)
    out, i, depth = [], 0, 0
    while i < len(src):
        if src.startswith("/-", i):
            depth += 1
            i += 3  # Lean steps over the character after /-
            continue
        if depth and src.startswith("-/", i):
            depth -= 1
            i += 2
            continue
        if not depth and src.startswith("--", i):
            j = src.find("\n", i)
            i = len(src) if j < 0 else j
            continue
        if not depth:
            out.append(src[i])
        i += 1
    return "".join(out)


def main():
    dirs = sys.argv[1:] or ["tests/fixtures/dsp2"]
    counts = collections.Counter()
    files = collections.defaultdict(set)
    nfiles = 0
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "*.lean"))):
            nfiles += 1
            s = strip(open(path, encoding="utf-8").read())
            found = []
            for m in re.finditer(r"(?:@\[|attribute\s*\[)([^\]]*)\]", s):
                for entry in m.group(1).split(","):
                    words = entry.split()
                    if words:
                        found.append(("attribute", " ".join(words)))
            for line in s.split("\n"):
                m = re.match(r"([^\s(\[{⟨@#]\S*)", line)
                if m:
                    found.append(("column-0", m.group(1)))
            for m in re.finditer(r"set_option\s+(\S+)", s):
                found.append(("option", m.group(1)))
            for m in re.finditer(r"(?<![\w.])(%s)\.[\w.]+" % "|".join(META), s):
                found.append(("meta-name", m.group(0)))
            for k in found:
                counts[k] += 1
                files[k].add(path)
    print("files %d" % nfiles)
    for (kind, name), n in sorted(counts.items()):
        print("%s %s %d %d" % (kind, name, n, len(files[(kind, name)])))


if __name__ == "__main__":
    main()
