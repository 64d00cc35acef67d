theorem t (x : ℝ) : x ≥ 0 := by
  by_contra! ⟨h1, h2⟩
  have h3 : x < 0 := by sorry
  linarith