theorem t (n : ℕ) : n = n := by
  induction n with
  | zero => rfl
  | succ k ih =>
    have h : k = k := by sorry
    rfl