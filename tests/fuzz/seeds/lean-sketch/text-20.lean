theorem t (x : ℝ) (h₀ : 0 < x) : x ≥ 0 := by
  simp at h₀ ⊢
  sorry