#define _GNU_SOURCE
#include "zoo_kernels.h"
#include <dlfcn.h>

// oneDNN in Debian runs on the OpenMP runtime (libgomp), which reads OMP_NUM_THREADS when it
// is loaded, before any of our code runs. Setting the variable later has no effect, so we call
// omp_set_num_threads, found at run time in the already-loaded runtime rather than linked,
// because libgomp ships no unversioned .so for the linker on a machine without gcc's dev files.
static int zoo_threads = 0;

void zoo_set_num_threads(int n) {
    if (n < 1) n = 1;
    zoo_threads = n;
    void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (set) set(n);
}

int zoo_num_threads(void) {
    if (zoo_threads > 0) return zoo_threads;
    int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_max_threads");
    return get ? get() : 1;
}
