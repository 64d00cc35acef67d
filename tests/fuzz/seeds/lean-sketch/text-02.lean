theorem t (p q : Prop) (hq : q) : p → q := by
  intro hp
  have h : q := by sorry
  exact h