// 2-D convolution on oneDNN: forward, backward-data and backward-weights primitives.
//
// Layouts: the caller's tensors are plain NCHW / OIHW (see zoo_primitives.h). oneDNN's fast
// direct kernels work on blocked layouts (channels in groups of 8 or 16), so where those are
// faster the primitive is built with layouts of oneDNN's choosing ('any') and its arguments
// are staged: reordered into the blocked layout before the run and out of it after (see
// primitive_cache.h). Measured on this machine (Zen 4, oneDNN 2.6) across MNIST- and
// DCGAN-sized layers, blocked kernels with those reorders run 1.2-3.5x faster than the plain
// im2col+GEMM ones, except the backward passes of a convolution with one input channel (a
// gray image's first layer), which are 1.5-3x slower blocked: those stay plain.
//
// In bf16 each direction's two inputs are bfloat16 in the primitive and its output float32: the
// staging reorders convert as they block (see zoo_precision in zoo_primitives.h).
#include "zoo_primitives.h"
#include "primitive_cache.h"

enum { FORWARD, FORWARD_BIAS, BACKWARD_DATA, BACKWARD_WEIGHTS, BACKWARD_WEIGHTS_BIAS };
#define OP_BASE 100  // op numbers of this file in the shared cache

static struct zoo_primitive_key key_for(const struct zoo_conv2d *g, int direction) {
    struct zoo_primitive_key key = zoo_primitive_key_make(OP_BASE + direction);
    const long values[] = {g->batch, g->in_channels, g->in_h, g->in_w, g->out_channels, g->out_h, g->out_w,
                           g->kernel_h, g->kernel_w, g->stride_h, g->stride_w, g->pad_top, g->pad_left,
                           g->pad_bottom, g->pad_right, g->dilation_h, g->dilation_w, g->precision};
    for (unsigned i = 0; i < sizeof values / sizeof *values; i++) key.values[i] = values[i];
    return key;
}

static struct zoo_conv2d geometry_of(const struct zoo_primitive_key *key) {
    const long *v = key->values;
    struct zoo_conv2d g = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
                           v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17]};
    return g;
}

// The memory of one convolution: the caller's plain layouts, and what the primitive is asked
// to use (the same, or 'any').
struct layouts {
    dnnl_memory_desc_t src, weights, dst, bias;      // plain
    dnnl_memory_desc_t src_as, weights_as, dst_as;   // requested of oneDNN
};

// The memory of `direction` (its inputs bf16 in bf16 precision, its output always f32).
static dnnl_status_t describe_memory(const struct zoo_conv2d *g, bool blocked, int direction, struct layouts *m) {
    const bool bf16 = g->precision == zoo_precision_bf16;
    const bool forward = direction == FORWARD || direction == FORWARD_BIAS;
    const bool weights_out = direction == BACKWARD_WEIGHTS || direction == BACKWARD_WEIGHTS_BIAS;
    const dnnl_data_type_t src_type = bf16 && direction != BACKWARD_DATA ? dnnl_bf16 : dnnl_f32;
    const dnnl_data_type_t weights_type = bf16 && !weights_out ? dnnl_bf16 : dnnl_f32;
    const dnnl_data_type_t dst_type = bf16 && !forward ? dnnl_bf16 : dnnl_f32;
    const long src_dims[] = {g->batch, g->in_channels, g->in_h, g->in_w};
    const long weight_dims[] = {g->out_channels, g->in_channels, g->kernel_h, g->kernel_w};
    const long dst_dims[] = {g->batch, g->out_channels, g->out_h, g->out_w};
    const long bias_dims[] = {g->out_channels};
    dnnl_status_t s = zoo_plain_md(&m->src, 4, src_dims);
    if (s == dnnl_success) s = zoo_plain_md(&m->weights, 4, weight_dims);
    if (s == dnnl_success) s = zoo_plain_md(&m->dst, 4, dst_dims);
    if (s == dnnl_success) s = zoo_plain_md(&m->bias, 1, bias_dims);
    const dnnl_format_tag_t tag = blocked ? dnnl_format_tag_any : dnnl_abcd;
    dnnl_dims_t src_d = {src_dims[0], src_dims[1], src_dims[2], src_dims[3]};
    dnnl_dims_t weight_d = {weight_dims[0], weight_dims[1], weight_dims[2], weight_dims[3]};
    dnnl_dims_t dst_d = {dst_dims[0], dst_dims[1], dst_dims[2], dst_dims[3]};
    if (s == dnnl_success) s = dnnl_memory_desc_init_by_tag(&m->src_as, 4, src_d, src_type, tag);
    if (s == dnnl_success) s = dnnl_memory_desc_init_by_tag(&m->weights_as, 4, weight_d, weights_type, tag);
    if (s == dnnl_success) s = dnnl_memory_desc_init_by_tag(&m->dst_as, 4, dst_d, dst_type, tag);
    return s;
}

static void build(const struct zoo_primitive_key *key, dnnl_engine_t engine, struct zoo_primitive *out) {
    const int direction = key->op - OP_BASE;
    const struct zoo_conv2d g = geometry_of(key);
    const bool bias = direction == FORWARD_BIAS || direction == BACKWARD_WEIGHTS_BIAS;
    const bool forward = direction == FORWARD || direction == FORWARD_BIAS;
    const bool blocked = forward || g.in_channels > 1;  // see the top of the file
    struct layouts m, f;  // this direction's memory, and the forward pass's (for the hint)
    dnnl_dims_t strides = {g.stride_h, g.stride_w};
    dnnl_dims_t dilates = {g.dilation_h - 1, g.dilation_w - 1};  // oneDNN counts the gaps
    dnnl_dims_t pad_l = {g.pad_top, g.pad_left}, pad_r = {g.pad_bottom, g.pad_right};
    out->status = describe_memory(&g, blocked, direction, &m);
    if (out->status == dnnl_success) out->status = describe_memory(&g, blocked, FORWARD, &f);
    // oneDNN's backward primitives take the forward one as a hint.
    dnnl_convolution_desc_t forward_desc, backward_desc;
    if (out->status == dnnl_success)
        out->status = dnnl_dilated_convolution_forward_desc_init(&forward_desc, dnnl_forward_training, dnnl_convolution_direct,
                                                                 &f.src_as, &f.weights_as, bias ? &m.bias : NULL, &f.dst_as,
                                                                 strides, dilates, pad_l, pad_r);
    if (out->status != dnnl_success) return;
    dnnl_primitive_attr_t attr = zoo_primitive_attr();
    if (!attr) { out->status = dnnl_out_of_memory; return; }
    dnnl_primitive_desc_t hint = NULL, pd = NULL;
    out->status = dnnl_primitive_desc_create(&hint, &forward_desc, attr, engine, NULL);
    if (out->status == dnnl_success) {
        if (forward) {
            const int args[] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_BIAS};
            zoo_primitive_finish(out, hint, args, bias ? 4 : 3);
            hint = NULL;
            if (out->primitive && zoo_primitive_stage(out, engine, 0, &m.src, false) &&
                zoo_primitive_stage(out, engine, 1, &m.weights, false))
                zoo_primitive_stage(out, engine, 2, &m.dst, true);
        } else if (direction == BACKWARD_DATA) {
            out->status = dnnl_dilated_convolution_backward_data_desc_init(&backward_desc, dnnl_convolution_direct, &m.src_as,
                                                                           &m.weights_as, &m.dst_as, strides, dilates, pad_l, pad_r);
            if (out->status == dnnl_success)
                out->status = dnnl_primitive_desc_create(&pd, &backward_desc, attr, engine, hint);
            if (out->status == dnnl_success) {
                const int args[] = {DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
                zoo_primitive_finish(out, pd, args, 3);
                if (out->primitive && zoo_primitive_stage(out, engine, 0, &m.weights, false) &&
                    zoo_primitive_stage(out, engine, 1, &m.dst, false))
                    zoo_primitive_stage(out, engine, 2, &m.src, true);
            }
        } else {
            out->status = dnnl_dilated_convolution_backward_weights_desc_init(
                &backward_desc, dnnl_convolution_direct, &m.src_as, &m.weights_as, bias ? &m.bias : NULL, &m.dst_as, strides,
                dilates, pad_l, pad_r);
            if (out->status == dnnl_success)
                out->status = dnnl_primitive_desc_create(&pd, &backward_desc, attr, engine, hint);
            if (out->status == dnnl_success) {
                const int args[] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS};
                zoo_primitive_finish(out, pd, args, bias ? 4 : 3);
                if (out->primitive && zoo_primitive_stage(out, engine, 0, &m.src, false) &&
                    zoo_primitive_stage(out, engine, 1, &m.dst, false))
                    zoo_primitive_stage(out, engine, 2, &m.weights, true);
            }
        }
    }
    if (hint) dnnl_primitive_desc_destroy(hint);
    dnnl_primitive_attr_destroy(attr);
}

static int run(const struct zoo_conv2d *g, int direction, void *const *pointers,
               const struct zoo_buffer_version *const *versions) {
    struct zoo_primitive_key key = key_for(g, direction);
    const struct zoo_primitive *p = zoo_primitive_lookup(&key, build);
    return p ? (int)zoo_primitive_execute_versioned(p, pointers, versions) : (int)dnnl_out_of_memory;
}

int zoo_conv2d_forward(const struct zoo_conv2d *g, const float *x, const float *w, const struct zoo_buffer_version *w_version,
                       const float *bias, float *y) {
    void *pointers[] = {(void *)x, (void *)w, y, (void *)bias};
    const struct zoo_buffer_version *versions[] = {NULL, w_version, NULL, NULL};
    return run(g, bias ? FORWARD_BIAS : FORWARD, pointers, versions);
}

int zoo_conv2d_backward_data(const struct zoo_conv2d *g, const float *w, const struct zoo_buffer_version *w_version,
                             const float *dy, float *dx) {
    void *pointers[] = {(void *)w, (void *)dy, dx};
    const struct zoo_buffer_version *versions[] = {w_version, NULL, NULL};
    return run(g, BACKWARD_DATA, pointers, versions);
}

int zoo_conv2d_backward_weights(const struct zoo_conv2d *g, const float *x, const float *dy, float *dw, float *dbias) {
    void *pointers[] = {(void *)x, (void *)dy, dw, (void *)dbias};
    return run(g, dbias ? BACKWARD_WEIGHTS_BIAS : BACKWARD_WEIGHTS, pointers, NULL);
}
