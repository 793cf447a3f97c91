#define _GNU_SOURCE
#include "zoo_kernels.h"
#include <dlfcn.h>
#include <stdbool.h>

// oneDNN in Debian runs on the OpenMP runtime (libgomp), which reads OMP_NUM_THREADS when it
// is loaded, before any of our code runs. So the thread count is set through the runtime's own
// functions, and zoo's parallel loops run on the same thread team as oneDNN's GEMMs (through
// GOMP_parallel, the entry point compiled OpenMP code calls): one pool, already spinning between
// GEMMs, instead of a second pool fighting it for the cores. The functions are found at run
// time in the already-loaded runtime, because libgomp ships no unversioned .so for the linker
// on a machine without gcc's development files.
typedef void (*gomp_parallel_fn)(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);

static struct {
    bool resolved;
    void (*set_num_threads)(int);
    int (*get_max_threads)(void);
    int (*get_thread_num)(void);
    int (*get_num_threads)(void);
    gomp_parallel_fn parallel;
} omp;

static int zoo_threads = 0;

static void resolve(void) {
    if (omp.resolved) return;
    omp.set_num_threads = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    omp.get_max_threads = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_max_threads");
    omp.get_thread_num = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_thread_num");
    omp.get_num_threads = (int (*)(void))dlsym(RTLD_DEFAULT, "omp_get_num_threads");
    omp.parallel = (gomp_parallel_fn)dlsym(RTLD_DEFAULT, "GOMP_parallel");
    omp.resolved = true;
}

void zoo_set_num_threads(int n) {
    resolve();
    if (n < 1) n = 1;
    zoo_threads = n;
    if (omp.set_num_threads) omp.set_num_threads(n);
}

int zoo_num_threads(void) {
    resolve();
    if (zoo_threads > 0) return zoo_threads;
    zoo_threads = omp.get_max_threads ? omp.get_max_threads() : 1;
    return zoo_threads;
}

struct parallel_job {
    long n, align;
    zoo_range_fn body;
    void *context;
};

// Thread t of T takes the t-th of T equal, aligned slices: a fixed split, so results never
// depend on scheduling.
static void run_slice(void *data) {
    struct parallel_job *job = data;
    int t = omp.get_thread_num(), count = omp.get_num_threads();
    long per = (job->n + count - 1) / count;
    per = (per + job->align - 1) / job->align * job->align;
    long begin = per * t, end = begin + per;
    if (end > job->n) end = job->n;
    if (begin < end) job->body(job->context, begin, end);
}

void zoo_parallel_for(long n, long grain, zoo_range_fn body, void *context) {
    int threads = zoo_num_threads();
    if (threads <= 1 || n < 2 * grain || !omp.parallel || !omp.get_thread_num || !omp.get_num_threads) {
        body(context, 0, n);
        return;
    }
    long chunks = n / grain;
    unsigned team = (unsigned)(chunks < threads ? chunks : threads);
    struct parallel_job job = {n, 64, body, context};
    omp.parallel(run_slice, &job, team, 0);
}
