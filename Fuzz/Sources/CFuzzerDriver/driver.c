// Declarations only (fuzzer_driver.h); libFuzzer's runtime, linked by -sanitize=fuzzer, defines them.
#include "fuzzer_driver.h"
