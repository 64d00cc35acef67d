import Mathlib
import Aesop

set_option maxHeartbeats 0

open BigOperators Real Nat Topology Rat

/-- What is the remainder when $1 + 2 + 3 + 4 + \dots + 9 + 10$ is divided by 9? Show that it is 1.-/
theorem mathd_numbertheory_466 : (∑ k in Finset.range 11, k) % 9 = 1 := by
  have sum_calc : ∑ k in Finset.range 11, k = 55 := by
    sorry
  
  have remainder_calc : 55 % 9 = 1 := by
    sorry
  
  -- We need to prove that the sum of numbers from 0 to 10 modulo 9 is 1.
  -- Given that the sum of numbers from 0 to 10 is 55 and 55 modulo 9 is 1, we can directly use this information.
  simpa [Finset.sum_range_succ, sum_calc, Nat.mul_mod, Nat.add_mod, Nat.mod_mod] using remainder_calc

