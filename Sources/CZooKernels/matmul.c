#include "matmul.h"
#include "primitive_cache.h"
#include <string.h>

// dnnl_sgemm packs a transposed operand slowly: x·Wᵀ with a large inner dimension (every
// forward pass of a Linear layer) runs at half the speed of the untransposed product here.
// oneDNN's matmul primitive (brgemm kernels) reads any strides at full speed, but building one
// takes far longer than running it, so each shape's primitive is built once and kept in the
// shared primitive cache for the life of the process. A model has a few dozen shapes. The cache
// never evicts, so a shape keeps the path it took first (a primitive, or dnnl_sgemm where oneDNN
// declined it) and results stay bit-identical from step to step and run to run.
//
// In bf16 the primitive takes bfloat16 operands and returns float32; the caller's float32
// operands are staged (see primitive_cache.h): converted on their way in by a reorder that keeps
// their strides, so a transposed operand stays a transposed view of the converted copy.

enum { MATMUL = 400, MATMUL_BIAS };  // op numbers of this file in the shared cache

// Row-major op(X) of `rows` x `cols` stored with leading dimension ld: a transposed operand is
// the same memory read with swapped strides, never a copy.
static dnnl_status_t describe(dnnl_memory_desc_t *md, long rows, long cols, long ld, bool transposed,
                              dnnl_data_type_t type) {
    dnnl_dims_t dims = {rows, cols};
    dnnl_dims_t strides = {transposed ? 1 : ld, transposed ? ld : 1};
    return dnnl_memory_desc_init_by_strides(md, 2, dims, type, strides);
}

// key values: m, n, k, lda, ldb, ldc, transa, transb, beta's bits, precision.
static void build(const struct zoo_primitive_key *key, dnnl_engine_t engine, struct zoo_primitive *out) {
    const long *v = key->values;
    const long m = v[0], n = v[1], k = v[2];
    const bool bias = key->op == MATMUL_BIAS;
    float beta;
    memcpy(&beta, &v[8], sizeof beta);
    const dnnl_data_type_t operands = v[9] == zoo_precision_bf16 ? dnnl_bf16 : dnnl_f32;
    dnnl_memory_desc_t a, b, c, bias_md, user_a, user_b;
    dnnl_matmul_desc_t desc;
    out->status = describe(&a, m, k, v[3], v[6] == 'T', operands);
    if (out->status == dnnl_success) out->status = describe(&b, k, n, v[4], v[7] == 'T', operands);
    if (out->status == dnnl_success) out->status = describe(&user_a, m, k, v[3], v[6] == 'T', dnnl_f32);
    if (out->status == dnnl_success) out->status = describe(&user_b, k, n, v[4], v[7] == 'T', dnnl_f32);
    if (out->status == dnnl_success) out->status = describe(&c, m, n, v[5], false, dnnl_f32);
    if (out->status == dnnl_success) out->status = describe(&bias_md, 1, n, n, false, dnnl_f32);
    if (out->status == dnnl_success) out->status = dnnl_matmul_desc_init(&desc, &a, &b, bias ? &bias_md : NULL, &c);
    if (out->status != dnnl_success) return;
    dnnl_primitive_attr_t attr = zoo_primitive_attr();
    if (!attr) { out->status = dnnl_out_of_memory; return; }
    dnnl_post_ops_t post_ops = NULL;
    if (beta != 0) {  // C = A·B + beta·C: the sum post-op
        out->status = dnnl_post_ops_create(&post_ops);
        if (out->status == dnnl_success) out->status = dnnl_post_ops_append_sum(post_ops, beta);
        if (out->status == dnnl_success) out->status = dnnl_primitive_attr_set_post_ops(attr, post_ops);
    }
    dnnl_primitive_desc_t pd = NULL;
    if (out->status == dnnl_success) out->status = dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL);
    if (out->status == dnnl_success) {
        const int args[] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_BIAS};
        zoo_primitive_finish(out, pd, args, bias ? 4 : 3);
        // Nothing is staged in fp32: the user's layout is the primitive's.
        if (out->primitive && zoo_primitive_stage(out, engine, 0, &user_a, false))
            zoo_primitive_stage(out, engine, 1, &user_b, false);
    }
    if (post_ops) dnnl_post_ops_destroy(post_ops);
    dnnl_primitive_attr_destroy(attr);
}

bool zoo_matmul_applies(long m, long n, long k) {
    // Below this, or with a dimension of a few elements (a 2-wide bottleneck, a 1-wide logit),
    // the primitive's fixed cost outweighs its kernel and dnnl_sgemm is as fast or faster.
    return m >= 8 && n >= 8 && k >= 8 && (double)m * (double)n * (double)k >= (double)(1L << 16);
}

dnnl_status_t zoo_matmul(char transa, char transb, long m, long n, long k, const float *a, long lda,
                         const struct zoo_buffer_version *a_version, const float *b, long ldb,
                         const struct zoo_buffer_version *b_version, const float *bias, float beta, float *c, long ldc,
                         int threads, int precision) {
    struct zoo_primitive_key key = zoo_primitive_key_make(bias ? MATMUL_BIAS : MATMUL);
    key.threads = threads;
    const long values[] = {m, n, k, lda, ldb, ldc, transa, transb};
    for (unsigned i = 0; i < sizeof values / sizeof *values; i++) key.values[i] = values[i];
    memcpy(&key.values[8], &beta, sizeof beta);
    key.values[9] = precision;
    const struct zoo_primitive *p = zoo_primitive_lookup(&key, build);
    if (!p || !p->primitive) return dnnl_unimplemented;
    void *pointers[] = {(void *)a, (void *)b, c, (void *)bias};
    const struct zoo_buffer_version *versions[] = {a_version, b_version, NULL, NULL};
    return zoo_primitive_execute_versioned(p, pointers, versions);
}
