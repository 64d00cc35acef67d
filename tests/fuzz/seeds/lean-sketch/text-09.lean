theorem t (x : ℝ) : x ≥ 0 := by
  by_contra
  have h1 : x < 0 := by sorry
  linarith