theorem t (p q r : Prop) (h : p ∧ q ∧ r) : q := by
  cases' h with hp hqr
  have h1 : q := by sorry
  exact h1