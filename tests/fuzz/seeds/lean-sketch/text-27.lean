theorem t (x : ℝ) : x = x := by
  have h := foo x
  have h2 : x = x := by sorry
  rfl