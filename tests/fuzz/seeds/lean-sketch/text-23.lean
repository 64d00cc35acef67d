theorem t (n : ℕ) : n = n := by
  cases n
  have h : n = n := by sorry
  rfl