import Mathlib

/--
Consider a set $S$ and a binary operation $*$ on $S$. Assume $(a * b) * a = b$ for all
$a, b \in S$. Prove that $a * (b * a) = b$ for all $a, b \in S$.
-/
theorem putnam_2001_a1
(S : Type*)
[Mul S]
(hS : ∀ a b : S, (a * b) * a = b)
: ∀ a b : S, a * (b * a) = b :=
  sorry
