theorem t : ∀ x y : ℝ, x < y → x ≤ y := by
  intro x y h
  have h2 : x ≤ y := by sorry
  exact h2