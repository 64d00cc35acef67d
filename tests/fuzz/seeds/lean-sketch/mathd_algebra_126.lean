import Mathlib
import Aesop

set_option maxHeartbeats 0

open BigOperators Real Nat Topology Rat

/-- The midpoint of the line segment between $(x,y)$ and $(-9,1)$ is $(3,-5)$. Find $(x,y)$. Show that it is (15,-11).-/
theorem mathd_algebra_126 (x y : ℝ) (h₀ : 2 * 3 = x - 9) (h₁ : 2 * -5 = y + 1) : x = 15 ∧ y = -11 := by
  have h₀_simplified : 6 = x - 9 := by
    sorry
  
  have h₁_simplified : -10 = y + 1 := by
    sorry
  
  have x_eq_15 : x = 15 := by
    sorry
  
  have y_eq_neg_11 : y = -11 := by
    sorry
  
  refine' ⟨_, _⟩ <;> linarith

