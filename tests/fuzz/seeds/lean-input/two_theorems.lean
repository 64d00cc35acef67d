import Mathlib

theorem first_one : 1 + 1 = 2 := by
  sorry

theorem second_one : 2 + 2 = 4 := by
  sorry
