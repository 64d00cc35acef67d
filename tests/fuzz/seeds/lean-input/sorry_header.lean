import Mathlib

def helper_bound : ℕ := sorry

theorem small_sum : 1 + 1 = 2 := by
  sorry
