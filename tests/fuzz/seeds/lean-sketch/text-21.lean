theorem t (f : ℕ → ℕ) : Function.Injective f := by
  apply foo
  intro x
  have h : x = x := by sorry
  sorry