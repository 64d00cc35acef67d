theorem t (b : ℝ) : 1 - b ≠ 0 := by
  intro h
  have : b = 1 := by sorry
  sorry