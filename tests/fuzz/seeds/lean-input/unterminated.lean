import Mathlib

/- a comment never closed
theorem lost : True := by
  sorry
