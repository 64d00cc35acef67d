import Mathlib

theorem then_more : True := by
  sorry

#eval 1 + 1
