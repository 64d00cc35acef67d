theorem t (x : ℝ) (h₀ : x > 0) : x ≥ 0 := by
  by_contra h
  have h1 : x < 0 := by sorry
  sorry