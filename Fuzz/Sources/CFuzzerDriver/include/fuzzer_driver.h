// libFuzzer's entry for programs that keep their own main (LLVM >= 12): SwiftPM gives every
// executable target a main of its own, so the fuzz targets call this instead of linking
// libFuzzer's main.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
