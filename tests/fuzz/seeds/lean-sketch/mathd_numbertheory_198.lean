import Mathlib
import Aesop

set_option maxHeartbeats 0

open BigOperators Real Nat Topology Rat

/-- What is the tens digit of $5^{2005}$? Show that it is 2.-/
theorem mathd_numbertheory_198 : 5 ^ 2005 % 100 = 25 := by
  have base_case : 5 ^ 2 % 100 = 25 := by
    sorry
  
  have inductive_step : ∀ k : ℕ, k ≥ 2 → 5 ^ k % 100 = 25 → 5 ^ (k + 1) % 100 = 25 := by
    sorry
  
  have general_pattern : ∀ n : ℕ, n ≥ 2 → 5 ^ n % 100 = 25 := by
    sorry
  
  have result : 5 ^ 2005 % 100 = 25 := by
    sorry
  
  apply result

