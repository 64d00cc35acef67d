/* fuzz.h: what the libFuzzer targets in tests/fuzz/ share. Each fuzz-NAME.c defines
 * LLVMFuzzerTestOneInput; linked with -fsanitize=fuzzer it is a libFuzzer binary,
 * linked with replay.c (gcc, ASan+UBSan, no libFuzzer) it replays files given as
 * arguments. A target must free everything it allocates: leaks are crashes. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: when it does not hold, say which and abort
 * (libFuzzer saves the input as a crash). */
#define FUZZ_CHECK(cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                    \
			abort();                                                           \
		}                                                                          \
	} while (0)

#endif
