import Mathlib
import Aesop

set_option maxHeartbeats 0

open BigOperators Real Nat Topology Rat

/-- What is the remainder of 2004 divided by 12? Show that it is 0.-/
theorem mathd_numbertheory_132 : 2004 % 12 = 0 := by
  have h1 : 2004 = 12 * 167 + 0 := by
    sorry
  
  have h2 : 2004 % 12 = 0 := by
    sorry
  
  exact h2

