/-
audit-compare.lean: the type check of scripts/audit-lean4checker.sh, run as
`lake env lean --run audit-compare.lean SOLUTION.olean CHALLENGE.olean THEOREM`.

CHALLENGE.olean is the problem's statement (header + its own definitions + the
theorem closed by `sorry`) compiled alone; SOLUTION.olean the proof file. Both are
read with `readModuleData` (src/Lean/Environment.lean: the module's own constants,
no code of theirs runs). Every constant the challenge declares must be in the
solution with the same kind, universe parameters and type (`Expr` equality), and
every definition with the same value: the statement as the problem states it, its
definitions as the problem gives them (leanprover/comparator's Compare.lean does
the same over lean4export output). THEOREM only needs its type.
Exit 0: same; 1: different (which constant, on stdout); 2: usage or I/O failure.
It has not been run where coldstart was built (no Lean there).
-/
import Lean
open Lean

def kindOf : ConstantInfo → String
  | .axiomInfo _ => "axiom"
  | .defnInfo _ => "def"
  | .thmInfo _ => "theorem"
  | .opaqueInfo _ => "opaque"
  | .quotInfo _ => "quot"
  | .inductInfo _ => "inductive"
  | .ctorInfo _ => "constructor"
  | .recInfo _ => "recursor"

def valueOf : ConstantInfo → Option Expr
  | .defnInfo d => some d.value
  | _ => none

def compare (sol chal : Array ConstantInfo) (thm : Name) : Except String Unit := do
  unless chal.any (·.name == thm) do
    throw s!"the statement declares no {thm}"
  for c in chal do
    let some s := sol.find? (·.name == c.name)
      | throw s!"{c.name}: in the statement, not in the proof"
    unless kindOf s == kindOf c do
      throw s!"{c.name}: a {kindOf s} in the proof, a {kindOf c} in the statement"
    unless s.levelParams == c.levelParams do
      throw s!"{c.name}: other universe parameters"
    unless s.type == c.type do
      throw s!"{c.name}: another type than the statement's"
    unless c.name == thm || valueOf s == valueOf c do
      throw s!"{c.name}: another value than the statement's"

def main (args : List String) : IO UInt32 := do
  let [solution, challenge, thm] := args
    | IO.eprintln "usage: audit-compare SOLUTION.olean CHALLENGE.olean THEOREM"; return 2
  let some name := Syntax.decodeNameLit ("`" ++ thm)
    | IO.eprintln s!"audit-compare: {thm} is not a name"; return 2
  try
    let (sol, _) ← readModuleData solution
    let (chal, _) ← readModuleData challenge
    match compare sol.constants chal.constants name with
    | .ok () => IO.println s!"{name}: the statement's type and definitions"; return 0
    | .error e => IO.println s!"type check: {e}"; return 1
  catch e =>
    IO.eprintln s!"audit-compare: {e}"
    return 2
