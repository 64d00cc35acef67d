theorem t (p q : Prop) (h : p ∨ q) : True := by
  rcases h with hp | hq
  have h1 : True := by sorry
  trivial