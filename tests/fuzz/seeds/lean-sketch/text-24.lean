theorem t (a b : ℝ) : a = a := by
  set x := a + b with hx
  have h : x = x := by sorry
  rfl