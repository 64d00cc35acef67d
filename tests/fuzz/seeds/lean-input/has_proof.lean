import Mathlib

theorem already_done : 1 + 1 = 2 := by
  norm_num
