// Pooling and nearest upsampling on oneDNN (see zoo_primitives.h).
//
// oneDNN's pooling on plain NCHW memory is a simple loop (8.5 ms for a 2×2 max pool of
// 64×32×28×28 here); its vectorized kernel wants channels blocked by the vector width (2.1 ms,
// plus 0.3 ms of reorders). So pooling stages its arguments into that blocked layout.
#include "zoo_primitives.h"
#include "primitive_cache.h"

enum { POOL_FORWARD = 300, POOL_BACKWARD, UPSAMPLE_FORWARD, UPSAMPLE_BACKWARD };

static struct zoo_primitive_key pool_key(const struct zoo_conv2d *g, int kind, int op) {
    struct zoo_primitive_key key = zoo_primitive_key_make(op);
    const long values[] = {g->batch, g->in_channels, g->in_h, g->in_w, g->out_h, g->out_w, g->kernel_h, g->kernel_w,
                           g->stride_h, g->stride_w, g->pad_top, g->pad_left, g->pad_bottom, g->pad_right, kind};
    for (unsigned i = 0; i < sizeof values / sizeof *values; i++) key.values[i] = values[i];
    return key;
}

// Channels blocked by the vector width of the kernels oneDNN runs on this CPU.
static dnnl_format_tag_t blocked_tag(void) {
    return dnnl_get_effective_cpu_isa() >= dnnl_cpu_isa_avx512_core ? dnnl_nChw16c : dnnl_nChw8c;
}

static void build_pool(const struct zoo_primitive_key *key, dnnl_engine_t engine, struct zoo_primitive *out) {
    const long *v = key->values;
    const long src_dims[] = {v[0], v[1], v[2], v[3]}, dst_dims[] = {v[0], v[1], v[4], v[5]};
    const bool max = v[14] == zoo_pooling_max;
    const dnnl_alg_kind_t alg = max ? dnnl_pooling_max : dnnl_pooling_avg_include_padding;
    dnnl_dims_t kernel = {v[6], v[7]}, strides = {v[8], v[9]}, dilation = {0, 0};
    dnnl_dims_t pad_l = {v[10], v[11]}, pad_r = {v[12], v[13]};
    dnnl_dims_t src_d = {v[0], v[1], v[2], v[3]}, dst_d = {v[0], v[1], v[4], v[5]};
    dnnl_memory_desc_t src, dst, src_blocked, dst_blocked;  // the caller's plain layouts, the kernel's
    dnnl_pooling_v2_desc_t forward, backward;
    out->status = zoo_plain_md(&src, 4, src_dims);
    if (out->status == dnnl_success) out->status = zoo_plain_md(&dst, 4, dst_dims);
    if (out->status == dnnl_success) out->status = dnnl_memory_desc_init_by_tag(&src_blocked, 4, src_d, dnnl_f32, blocked_tag());
    if (out->status == dnnl_success) out->status = dnnl_memory_desc_init_by_tag(&dst_blocked, 4, dst_d, dnnl_f32, blocked_tag());
    if (out->status == dnnl_success)
        out->status = dnnl_pooling_v2_forward_desc_init(&forward, dnnl_forward_training, alg, &src_blocked, &dst_blocked,
                                                        strides, kernel, dilation, pad_l, pad_r);
    if (out->status != dnnl_success) return;
    dnnl_primitive_attr_t attr = zoo_primitive_attr();
    if (!attr) { out->status = dnnl_out_of_memory; return; }
    dnnl_primitive_desc_t hint = NULL, pd = NULL;
    out->status = dnnl_primitive_desc_create(&hint, &forward, attr, engine, NULL);
    if (out->status == dnnl_success && key->op == POOL_FORWARD) {
        const int q[] = {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE};
        zoo_primitive_finish(out, hint, q, max ? 3 : 2);
        hint = NULL;
        if (out->primitive && zoo_primitive_stage(out, engine, 0, &src, false)) zoo_primitive_stage(out, engine, 1, &dst, true);
    } else if (out->status == dnnl_success) {
        out->status = dnnl_pooling_v2_backward_desc_init(&backward, alg, &src_blocked, &dst_blocked, strides, kernel, dilation,
                                                         pad_l, pad_r);
        if (out->status == dnnl_success) out->status = dnnl_primitive_desc_create(&pd, &backward, attr, engine, hint);
        if (out->status == dnnl_success) {
            const int q[] = {DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC, DNNL_ARG_WORKSPACE};
            zoo_primitive_finish(out, pd, q, max ? 3 : 2);
            if (out->primitive && zoo_primitive_stage(out, engine, 0, &dst, false)) zoo_primitive_stage(out, engine, 1, &src, true);
        }
    }
    if (hint) dnnl_primitive_desc_destroy(hint);
    dnnl_primitive_attr_destroy(attr);
}

long zoo_pool2d_workspace_size(const struct zoo_conv2d *g, int kind) {
    if (kind != zoo_pooling_max) return 0;
    struct zoo_primitive_key key = pool_key(g, kind, POOL_FORWARD);
    const struct zoo_primitive *p = zoo_primitive_lookup(&key, build_pool);
    return p && p->primitive && p->arg_count == 3 ? (long)dnnl_memory_desc_get_size(&p->mds[2]) : -1;
}

int zoo_pool2d_forward(const struct zoo_conv2d *g, int kind, const float *x, float *y, void *workspace) {
    struct zoo_primitive_key key = pool_key(g, kind, POOL_FORWARD);
    const struct zoo_primitive *p = zoo_primitive_lookup(&key, build_pool);
    void *pointers[] = {(void *)x, y, workspace};
    return p ? (int)zoo_primitive_execute(p, pointers) : (int)dnnl_out_of_memory;
}

int zoo_pool2d_backward(const struct zoo_conv2d *g, int kind, const float *dy, const void *workspace, float *dx) {
    struct zoo_primitive_key key = pool_key(g, kind, POOL_BACKWARD);
    const struct zoo_primitive *p = zoo_primitive_lookup(&key, build_pool);
    void *pointers[] = {(void *)dy, dx, (void *)workspace};
    return p ? (int)zoo_primitive_execute(p, pointers) : (int)dnnl_out_of_memory;
}

static void build_upsample(const struct zoo_primitive_key *key, dnnl_engine_t engine, struct zoo_primitive *out) {
    const long *v = key->values;
    const long src_dims[] = {v[0], v[1], v[2], v[3]}, dst_dims[] = {v[0], v[1], v[2] * v[4], v[3] * v[5]};
    const float factors[] = {(float)v[4], (float)v[5]};
    dnnl_memory_desc_t src, dst;
    dnnl_resampling_desc_t forward, backward;
    out->status = zoo_plain_md(&src, 4, src_dims);
    if (out->status == dnnl_success) out->status = zoo_plain_md(&dst, 4, dst_dims);
    if (out->status == dnnl_success)
        out->status = dnnl_resampling_forward_desc_init(&forward, dnnl_forward_training, dnnl_resampling_nearest, factors,
                                                        &src, &dst);
    if (out->status != dnnl_success) return;
    dnnl_primitive_attr_t attr = zoo_primitive_attr();
    if (!attr) { out->status = dnnl_out_of_memory; return; }
    dnnl_primitive_desc_t hint = NULL, pd = NULL;
    out->status = dnnl_primitive_desc_create(&hint, &forward, attr, engine, NULL);
    if (out->status == dnnl_success && key->op == UPSAMPLE_FORWARD) {
        const int q[] = {DNNL_ARG_SRC, DNNL_ARG_DST};
        zoo_primitive_finish(out, hint, q, 2);
        hint = NULL;
    } else if (out->status == dnnl_success) {
        out->status = dnnl_resampling_backward_desc_init(&backward, dnnl_resampling_nearest, factors, &src, &dst);
        if (out->status == dnnl_success) out->status = dnnl_primitive_desc_create(&pd, &backward, attr, engine, hint);
        if (out->status == dnnl_success) {
            const int q[] = {DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
            zoo_primitive_finish(out, pd, q, 2);
        }
    }
    if (hint) dnnl_primitive_desc_destroy(hint);
    dnnl_primitive_attr_destroy(attr);
}

static int upsample(int op, long batch, long channels, long in_h, long in_w, long factor_h, long factor_w,
                    void *from, void *to) {
    struct zoo_primitive_key key = zoo_primitive_key_make(op);
    const long values[] = {batch, channels, in_h, in_w, factor_h, factor_w};
    for (unsigned i = 0; i < sizeof values / sizeof *values; i++) key.values[i] = values[i];
    const struct zoo_primitive *p = zoo_primitive_lookup(&key, build_upsample);
    void *pointers[] = {from, to};
    return p ? (int)zoo_primitive_execute(p, pointers) : (int)dnnl_out_of_memory;
}

int zoo_upsample_nearest_forward(long batch, long channels, long in_h, long in_w, long factor_h, long factor_w,
                                 const float *x, float *y) {
    return upsample(UPSAMPLE_FORWARD, batch, channels, in_h, in_w, factor_h, factor_w, (void *)x, y);
}

int zoo_upsample_nearest_backward(long batch, long channels, long in_h, long in_w, long factor_h, long factor_w,
                                  const float *dy, float *dx) {
    return upsample(UPSAMPLE_BACKWARD, batch, channels, in_h, in_w, factor_h, factor_w, (void *)dy, dx);
}
