#include "matmul.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

// dnnl_sgemm packs a transposed operand slowly: x·Wᵀ with a large inner dimension (every
// forward pass of a Linear layer) runs at half the speed of the untransposed product here.
// oneDNN's matmul primitive (brgemm kernels) reads any strides at full speed, but building one
// takes far longer than running it, so each shape's primitive is built once and kept for the
// life of the process. A model has a few dozen shapes. The table never evicts, so a shape keeps
// the path it took first and results stay bit-identical from step to step and run to run.

#define TABLE_SIZE 4096  // a power of two, far above any model's count of shapes

struct matmul_key {
    long m, n, k, lda, ldb, ldc;
    char transa, transb;
    bool bias;  // C = op(A)·op(B) + bias broadcast over rows (then beta must be 0)
    float beta;
    int threads;
};

struct matmul_entry {
    bool used;
    struct matmul_key key;
    dnnl_primitive_t primitive;  // NULL: oneDNN declined this shape; use dnnl_sgemm
    dnnl_memory_desc_t a, b, c, bias, scratchpad;
    size_t scratchpad_size;
};

static struct matmul_entry table[TABLE_SIZE];
static int table_count;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static dnnl_engine_t engine;
static _Thread_local dnnl_stream_t stream;
// One scratch buffer per calling thread, grown to the largest primitive's need, instead of one
// per primitive: keeps a training process's memory flat however many shapes it uses.
static _Thread_local void *scratch;
static _Thread_local size_t scratch_size;

static unsigned long hash_key(const struct matmul_key *key) {
    unsigned long h = 1469598103934665603UL;
    const unsigned char *bytes = (const unsigned char *)key;
    for (size_t i = 0; i < sizeof *key; i++) h = (h ^ bytes[i]) * 1099511628211UL;
    return h;
}

// Row-major op(X) of `rows` x `cols` stored with leading dimension ld: a transposed operand is
// the same memory read with swapped strides, never a copy.
static dnnl_status_t describe(dnnl_memory_desc_t *md, long rows, long cols, long ld, bool transposed) {
    dnnl_dims_t dims = {rows, cols};
    dnnl_dims_t strides = {transposed ? 1 : ld, transposed ? ld : 1};
    return dnnl_memory_desc_init_by_strides(md, 2, dims, dnnl_f32, strides);
}

static void build(struct matmul_entry *e) {
    const struct matmul_key *key = &e->key;
    e->primitive = NULL;
    if (!engine && dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return;
    if (describe(&e->a, key->m, key->k, key->lda, key->transa == 'T') != dnnl_success ||
        describe(&e->b, key->k, key->n, key->ldb, key->transb == 'T') != dnnl_success ||
        describe(&e->c, key->m, key->n, key->ldc, false) != dnnl_success ||
        describe(&e->bias, 1, key->n, key->n, false) != dnnl_success) return;
    dnnl_matmul_desc_t desc;
    if (dnnl_matmul_desc_init(&desc, &e->a, &e->b, key->bias ? &e->bias : NULL, &e->c) != dnnl_success) return;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t post_ops = NULL;
    dnnl_primitive_desc_t pd = NULL;
    bool ok = dnnl_primitive_attr_create(&attr) == dnnl_success &&
              dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user) == dnnl_success;
    if (ok && key->beta != 0) {  // C = A·B + beta·C: the sum post-op
        ok = dnnl_post_ops_create(&post_ops) == dnnl_success &&
             dnnl_post_ops_append_sum(post_ops, key->beta) == dnnl_success &&
             dnnl_primitive_attr_set_post_ops(attr, post_ops) == dnnl_success;
    }
    if (ok && dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL) == dnnl_success) {
        const dnnl_memory_desc_t *scratchpad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
        if (scratchpad) {
            e->scratchpad = *scratchpad;
            e->scratchpad_size = dnnl_memory_desc_get_size(scratchpad);
            if (dnnl_primitive_create(&e->primitive, pd) != dnnl_success) e->primitive = NULL;
        }
    }
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (post_ops) dnnl_post_ops_destroy(post_ops);
    if (attr) dnnl_primitive_attr_destroy(attr);
}

// The table's entry for `key`, built on first use; NULL once the table is full (thousands of
// distinct shapes, far beyond any model), after which new shapes stay with dnnl_sgemm.
static struct matmul_entry *lookup(const struct matmul_key *key) {
    pthread_mutex_lock(&table_lock);
    unsigned long slot = hash_key(key) & (TABLE_SIZE - 1);
    struct matmul_entry *found = NULL;
    for (int probe = 0; probe < TABLE_SIZE; probe++, slot = (slot + 1) & (TABLE_SIZE - 1)) {
        struct matmul_entry *e = &table[slot];
        if (e->used && memcmp(&e->key, key, sizeof *key) == 0) { found = e; break; }
        if (!e->used) {
            // Keep a quarter free so probes stay short; past that, new shapes use dnnl_sgemm.
            if (table_count < TABLE_SIZE * 3 / 4) {
                e->used = true;
                e->key = *key;
                build(e);
                table_count++;
                found = e;
            }
            break;
        }
    }
    pthread_mutex_unlock(&table_lock);
    return found;
}

static dnnl_status_t execute(const struct matmul_entry *e, const float *a, const float *b, const float *bias, float *c) {
    if (!stream) {
        dnnl_status_t status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
        if (status != dnnl_success) { stream = NULL; return status; }
    }
    if (e->scratchpad_size > scratch_size) {
        free(scratch);
        scratch_size = (e->scratchpad_size + 4095) / 4096 * 4096;
        scratch = aligned_alloc(4096, scratch_size);
        if (!scratch) { scratch_size = 0; return dnnl_out_of_memory; }
    }
    dnnl_memory_t ma = NULL, mb = NULL, mc = NULL, ms = NULL, mbias = NULL;
    dnnl_status_t status = dnnl_memory_create(&ma, &e->a, engine, (void *)a);
    if (status == dnnl_success) status = dnnl_memory_create(&mb, &e->b, engine, (void *)b);
    if (status == dnnl_success) status = dnnl_memory_create(&mc, &e->c, engine, c);
    if (status == dnnl_success) status = dnnl_memory_create(&ms, &e->scratchpad, engine, scratch);
    if (status == dnnl_success && bias) status = dnnl_memory_create(&mbias, &e->bias, engine, (void *)bias);
    if (status == dnnl_success) {
        dnnl_exec_arg_t args[5] = {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc},
                                   {DNNL_ARG_SCRATCHPAD, ms}, {DNNL_ARG_BIAS, mbias}};
        status = dnnl_primitive_execute(e->primitive, stream, bias ? 5 : 4, args);
        if (status == dnnl_success) status = dnnl_stream_wait(stream);
    }
    if (ma) dnnl_memory_destroy(ma);
    if (mb) dnnl_memory_destroy(mb);
    if (mc) dnnl_memory_destroy(mc);
    if (ms) dnnl_memory_destroy(ms);
    if (mbias) dnnl_memory_destroy(mbias);
    return status;
}

bool zoo_matmul_applies(long m, long n, long k) {
    // Below this, or with a dimension of a few elements (a 2-wide bottleneck, a 1-wide logit),
    // the primitive's fixed cost outweighs its kernel and dnnl_sgemm is as fast or faster.
    return m >= 8 && n >= 8 && k >= 8 && (double)m * (double)n * (double)k >= (double)(1L << 16);
}

dnnl_status_t zoo_matmul(char transa, char transb, long m, long n, long k, const float *a, long lda,
                         const float *b, long ldb, const float *bias, float beta, float *c, long ldc, int threads) {
    struct matmul_key key;
    memset(&key, 0, sizeof key);  // padding too: the key is hashed and compared as bytes
    key.m = m; key.n = n; key.k = k; key.lda = lda; key.ldb = ldb; key.ldc = ldc;
    key.transa = transa; key.transb = transb; key.bias = bias != NULL; key.beta = beta; key.threads = threads;
    const struct matmul_entry *e = lookup(&key);
    return e && e->primitive ? execute(e, a, b, bias, c) : dnnl_unimplemented;
}
