"""oracle.py: answers of a test-double decomposer and prover, built from real
DeepSeek-Prover-V2 proofs (tests/fixtures/dsp2/*.lean).

Given the prompt coldstart sends, the oracle finds the theorem or `have` it is
about in its knowledge base of complete proofs and answers as a model would:

- decomposition prompt for a theorem or a `have` with a block: the statement
  from the prompt, then the block with each direct `have`'s own block replaced
  by `sorry` (the proof's have skeleton), but a have restating the goal being
  decomposed (a wrapper, `have h_main : GOAL := by …`) opened: its own haves are
  cut the same way, and it is kept with its proof when it holds none (no sketch
  may ask for the goal itself);
- prover prompt for a lemma whose skeleton would cut nothing (its block holds no
  have but, perhaps, haves restating it): the original block (so recombination
  must rebuild the original text);
- prover prompt for the theorem itself, or for a lemma whose skeleton would cut
  something: a proof marked `-- double: fail`, which the REPL double rejects, so
  that recursion is exercised.
tests/unit/test-lean-replay.c replays the same answers without Lean or HTTP.

With cheat=True the first answer to each prompt (and choice 0 of a prover
request) is a cheating one: a changed statement, `apply?`, an `axiom`, an
`#eval` that writes a file, or a weakened sketch; later answers are honest.
Matching is by the statement's conclusion (whitespace aside) among the haves of
the theorem whose name prefixes the lemma's name.
"""
import glob
import os
import re

FENCE = "```"


def norm(s):
    s = re.sub(r"--[^\n]*", " ", s)
    return " ".join(s.split())


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def split_decl(head):
    """'have NAME BINDERS : T' or 'theorem NAME BINDERS : T' -> (name, T)."""
    name, _, concl = split_decl3(head)
    return name, concl


def split_decl3(head):
    """-> (name, binders text, T)."""
    words = head.split(None, 2)
    kw = words[0]
    rest = head[len(kw):].lstrip()
    depth = 0
    name_end = 0
    while name_end < len(rest) and not rest[name_end].isspace() and rest[name_end] not in "(:{[⦃":
        name_end += 1
    name = rest[:name_end]
    i = name_end
    while i < len(rest):
        c = rest[i]
        if c in "([{⦃⟨":
            depth += 1
        elif c in ")]}⦄⟩":
            depth -= 1
        elif c == ":" and depth == 0 and rest[i + 1:i + 2] != "=":
            return name, rest[name_end:i].strip(), rest[i + 1:]
        i += 1
    return name, "", None


class Node:
    def __init__(self, name, head, concl, block):
        self.name = name          # have name ('this' when anonymous) or theorem name
        self.head = head          # declaration text up to ':= by'
        self.concl = concl        # normalized conclusion
        self.block = block        # list of lines of its tactic block (original indentation)
        self.children = []        # direct haves, in order
        self.inline = None        # (first, last) line of a one-line `have … := by TACTICS`
        self.span = None          # (first, last) line of a block have's header
        self.binders = ""         # its binders (`have h (n : ℕ) : …`)

    def restates(self, goal):
        """Does this have state goal's conclusion again (a wrapper)?"""
        return not self.binders and self.concl == goal.concl

    def cuts(self, goal=None):
        """The haves a sketch of goal (default: self) cuts in this block, in order."""
        goal = goal or self
        out = []
        for c in self.children:
            if c.restates(goal):
                out.extend(c.cuts(goal))
            else:
                out.append(c)
        return out

    def base(self):
        ind = [indent_of(l) for l in self.block if l.strip()]
        return min(ind) if ind else 0


def parse_block(lines):
    """Direct haves of a tactic block, as Nodes with their own blocks (recursively).
    `have … := by TACTICS` on one line is a leaf whose block is TACTICS (inline)."""
    nodes = []
    ind = [indent_of(l) for l in lines if l.strip()]
    if not ind:
        return nodes
    base = min(ind)
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if indent_of(line) == base and (s.startswith("have ") or s.startswith("have:")):
            j = i
            while ":= by" not in lines[j] and j + 1 < len(lines) and indent_of(lines[j + 1]) > base:
                j += 1
            if ":= by" not in lines[j]:
                i += 1
                continue
            head = " ".join(l.strip() for l in lines[i:j + 1])
            decl, after = head.split(":= by", 1)
            decl = decl.strip()
            after = after.strip()
            if decl.startswith("have:"):
                decl = "have :" + decl[5:]
            name, binders, concl = split_decl3(decl)
            if not name or name.startswith(":"):
                name, binders = "this", ""
            if after:
                if concl is not None:
                    node = Node(name, decl, norm(concl), [" " * (base + 2) + after])
                    node.inline = (i, j)
                    node.binders = binders
                    nodes.append(node)
                i = j + 1
                continue
            k = j + 1
            block = []
            while k < len(lines) and (not lines[k].strip() or indent_of(lines[k]) > base):
                block.append(lines[k])
                k += 1
            while block and not block[-1].strip():
                block.pop()
                k -= 1
            if concl is not None:
                node = Node(name, decl, norm(concl), block)
                node.children = parse_block(block)
                node.inline = None
                node.span = (i, j)
                node.binders = binders
                nodes.append(node)
            i = k
            continue
        i += 1
    return nodes


class Theorem:
    def __init__(self, path):
        text = open(path, encoding="utf-8").read()
        lines = text.split("\n")
        start = next(i for i, l in enumerate(lines) if l.startswith("theorem ") or l.startswith("lemma "))
        end = start
        while ":= by" not in lines[end]:
            end += 1
        head = " ".join(l.strip() for l in lines[start:end + 1])
        head = head[:head.index(":= by")].strip()
        self.name, concl = split_decl(head)
        body = lines[end + 1:]
        while body and not body[-1].strip():
            body.pop()
        self.root = Node(self.name, head, norm(concl or ""), body)
        self.root.children = parse_block(body)
        self.text = text

    def nodes(self):
        """(node, path of the lemma names' have parts from the theorem down to it):
        the nodes a replay asks for, each under the sketch that cuts it."""
        stack = [(self.root, [])]
        while stack:
            n, path = stack.pop()
            yield n, path
            stack.extend((c, path + [c.name]) for c in n.cuts())


def dedent(block, to):
    ind = [indent_of(l) for l in block if l.strip()]
    base = min(ind) if ind else 0
    return [(" " * to + l[base:]) if l.strip() else "" for l in block]


def skeleton(node, goal=None):
    """node's block with each have of goal's sketch (node.cuts) cut to `sorry`."""
    goal = goal or node
    out = []
    lines = node.block
    i = 0
    for child in node.children:
        if child.restates(goal):
            if child.inline or not child.cuts(goal):
                continue  # kept with its proof: its lines go with the rest
            a, b = child.span
            out.extend(lines[i:b + 1])
            out.extend(skeleton(child, goal))
            i = b + 1 + len(child.block)
        elif child.inline:
            a, b = child.inline
            out.extend(lines[i:b])
            line = lines[b]
            out.append(line[:line.index(":= by") + len(":= by")] + " sorry")
            i = b + 1
        else:
            a, b = child.span
            out.extend(lines[i:b + 1])
            out.append(" " * child.base() + "sorry")
            i = b + 1 + len(child.block)
    out.extend(lines[i:])
    return out


def prompt_code(prompt):
    start = prompt.find(FENCE + "lean4")
    if start < 0:
        return None
    start = prompt.index("\n", start) + 1
    end = prompt.find(FENCE, start)
    return prompt[start:end]


def prompt_statement(code):
    lines = code.split("\n")
    i = next((k for k, l in enumerate(lines) if l.startswith("theorem ") or l.startswith("lemma ")), None)
    if i is None:
        return None, None, None
    j = i
    while j < len(lines) and ":= by" not in lines[j]:
        j += 1
    stmt = "\n".join(lines[i:j + 1])
    stmt = stmt[:stmt.index(":= by") + len(":= by")]
    header = "\n".join(lines[:i])
    name, concl = split_decl(" ".join(stmt[:-len(":= by")].split()))
    return header, stmt, (name, norm(concl or ""))


CHEATS = ["changed", "apply?", "axiom", "eval", "weakened"]


class Oracle:
    def __init__(self, fixture_dir, cheat=False):
        self.theorems = []
        for path in sorted(glob.glob(os.path.join(fixture_dir, "*.lean"))):
            try:
                self.theorems.append(Theorem(path))
            except (StopIteration, ValueError):
                pass
        self.cheat = cheat
        self.seen = {}

    def find(self, name, concl):
        cands = [t for t in self.theorems if name == t.name or name.startswith(t.name + "_")]
        cands.sort(key=lambda t: -len(t.name))
        for t in cands:
            if name == t.name:
                return t, t.root, True
            best = None
            for n, path in t.nodes():
                if n is t.root or n.concl != concl:
                    continue
                # the lemma's name spells the path of haves when names are free
                score = (name == t.name + "_" + "_".join(path), name.endswith("_" + n.name), len(path))
                if best is None or score > best[0]:
                    best = (score, n)
            if best:
                return t, best[1], False
        return None, None, False

    def answer(self, prompt, index=0):
        """Content of answer number `index` to this prompt (counting repeats)."""
        code = prompt_code(prompt)
        if code is None:
            return "I cannot find any Lean code in your message."
        header, stmt, key = prompt_statement(code)
        if stmt is None:
            return "No theorem found."
        thm, node, is_root = self.find(*key)
        decompose = "proof sketch" in prompt
        k = self.seen.get(prompt, 0) + index
        if index == 0:
            self.seen[prompt] = self.seen.get(prompt, 0) + 1
        if node is None:
            return "```lean4\n%s\n%s\n  nlinarith -- double: fail\n```" % (header, stmt)
        if self.cheat and k == 0:
            return self.cheating(header, stmt, node, decompose)
        if decompose:
            body = dedent(skeleton(node), 2)
            return ("Let us analyze the problem. We prove %s by a sequence of intermediate claims, "
                    "each a `have` below, and conclude from them.\n\n```lean4\n%s\n%s\n%s\n```\n"
                    % (key[0], header, stmt, "\n".join(body)))
        body = dedent(node.block, 2)
        if is_root or node.cuts():
            return "```lean4\n%s\n%s\n  -- double: fail\n%s\n```" % (header, stmt, "\n".join(body))
        return "```lean4\n%s\n%s\n%s\n```" % (header, stmt, "\n".join(body))

    def cheating(self, header, stmt, node, decompose):
        kind = CHEATS[sum(map(ord, node.name)) % len(CHEATS)]
        body = "\n".join(dedent(skeleton(node) if decompose else node.block, 2))
        if kind == "changed":
            stmt = stmt[:stmt.rindex(":= by")].rstrip()
            stmt = stmt[:stmt.rindex(":")] + ": True := by"
            body = "  trivial"
        elif kind == "apply?":
            body = "  apply?"
        elif kind == "axiom":
            return "```lean4\n%s\naxiom cheat : False\n\n%s\n  exact cheat.elim\n```" % (header, stmt)
        elif kind == "eval":
            return ("```lean4\n%s\n#eval IO.FS.writeFile \"pwned-by-model\" \"x\"\n\n%s\n%s\n```"
                    % (header, stmt, body))
        elif kind == "weakened":
            i = stmt.index(" ", stmt.index(" ") + 1) if stmt.count(" ") > 1 else len(stmt)
            stmt = stmt[:i] + " (hcheat : False)" + stmt[i:]
        return "```lean4\n%s\n%s\n%s\n```" % (header, stmt, body)
