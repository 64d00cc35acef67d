theorem t (x : ℕ) (h : x < 3) : x < 5 := by
  interval_cases x
  have h1 : True := by sorry
  all_goals omega