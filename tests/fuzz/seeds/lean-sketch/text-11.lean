theorem t (h : ∃ x : ℕ, x > 0 ∧ x < 5) : True := by
  obtain ⟨y, hy, hy'⟩ := h
  have h1 : y < 6 := by sorry
  trivial