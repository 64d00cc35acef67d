theorem t (h : ∃ x : ℕ, x > 0) : True := by
  simp at h
  obtain ⟨x, hx⟩ := h
  have h1 : x > 0 := by sorry
  trivial