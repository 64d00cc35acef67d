theorem t : ∀ n : ℕ, n + 0 = n := by
  intro m
  sorry