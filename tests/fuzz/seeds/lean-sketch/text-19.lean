theorem t (u : ℕ → ℝ) : True := by
  rw [show (fun n ↦ u n) = u by rfl]
  have h : u = u := by sorry
  trivial