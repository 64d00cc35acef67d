theorem t (a b : ℝ) : a + b = b + a := by
  set x : ℝ := a + b with hx
  have h : x = b + a := by sorry
  linarith