theorem t (x : ℝ) : ¬ (x = x + 1) := by
  by_contra h
  have h1 : (0 : ℝ) = 1 := by sorry
  norm_num at h1