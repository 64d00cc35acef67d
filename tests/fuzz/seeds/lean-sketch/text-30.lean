theorem t (x : ℝ) : x = x := by
  constructor <;> intro h
  have h2 : x = x := by sorry