theorem t (s : Finset ℕ) : ∀ x ∈ s, x ≥ 0 := by
  intro x hx
  have h : x ≥ 0 := by sorry
  exact h