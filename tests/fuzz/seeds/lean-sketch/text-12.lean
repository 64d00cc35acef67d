theorem t (n : ℕ) (h₀ : 0 < n ∧ ∃ k : ℕ, n = 2 * k) : True := by
  rcases h₀.2 with ⟨k, hk⟩
  have h1 : n % 2 = 0 := by sorry
  trivial