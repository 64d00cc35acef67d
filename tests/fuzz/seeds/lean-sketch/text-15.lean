theorem t (u : ℕ → ℝ) (h₀ : ∀ k, u k = 2 * k) : u 1 = 2 := by
  have h₁ := h₀ 1
  have h₂ : u 1 = 2 * 1 := by sorry
  simpa using h₂