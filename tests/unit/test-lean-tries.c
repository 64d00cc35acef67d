/* test-lean-tries: how many deaths on one command a code gets before it is suspected,
 * given the checker's record on the other commands (lean_code_tries, lean_job.c).
 * The expected figures are worked by hand: the least k with rate^k < 1e-6. */
#include "lean_internal.h"
#include "tap.h"

int main(void)
{
	is_int(lean_code_tries(4, 0, 500), 4, "a checker that never failed elsewhere: the floor");
	is_int(lean_code_tries(2, 0, 0), 2, "nothing sent yet: the floor");
	is_int(lean_code_tries(4, 1, 200), 4, "1 in 200: 3 would do, the floor is 4");
	is_int(lean_code_tries(2, 1, 200), 3, "1 in 200, floor 2: 3 (0.005^3 = 1.25e-7)");
	is_int(lean_code_tries(4, 1, 50), 4, "1 in 50: 4 (0.02^4 = 1.6e-7)");
	is_int(lean_code_tries(4, 1, 7), 8, "1 in 7: 8 ((1/7)^7 = 1.2e-6, (1/7)^8 = 1.7e-7)");
	is_int(lean_code_tries(4, 100, 700), 8, "the same rate from more commands");
	is_int(lean_code_tries(4, 1, 4), 10, "1 in 4: 10 (0.25^10 = 9.5e-7)");
	is_int(lean_code_tries(4, 1, 3), 0, "1 in 3 needs 13 (> 12): no number of tries can tell");
	is_int(lean_code_tries(4, 1, 2), 0, "1 in 2: cannot tell");
	is_int(lean_code_tries(4, 9, 9), 0, "fails on everything: cannot tell");
	return done_testing();
}
