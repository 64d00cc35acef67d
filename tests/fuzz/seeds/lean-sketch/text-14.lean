theorem t (x : ℝ) : x = x := by
  obtain ⟨y, hy⟩ : ∃ y : ℝ, y = x := by sorry
  have h : y = x := by sorry
  rfl