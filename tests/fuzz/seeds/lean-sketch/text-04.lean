theorem t (p q : Prop) : p → q → p := by
  intros
  sorry