theorem t (x : ℝ) (h₀ : x + 0 = 1) : x = 1 := by
  rw [add_zero] at h₀
  norm_num at h₀
  have h : x = 1 := by sorry
  exact h