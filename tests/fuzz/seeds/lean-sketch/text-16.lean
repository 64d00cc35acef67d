theorem t (f : ℕ → ℕ) (h : ∀ n, f n = n) : f 2 = 2 := by
  specialize h 2
  have h2 : f 2 = 2 := by sorry
  exact h2