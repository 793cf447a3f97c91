// 2-D convolution on oneDNN: forward, backward-data and backward-weights primitives, plain
// NCHW/OIHW memory (see zoo_primitives.h).
#include "zoo_primitives.h"
#include "primitive_cache.h"

enum { FORWARD, FORWARD_BIAS, BACKWARD_DATA, BACKWARD_WEIGHTS, BACKWARD_WEIGHTS_BIAS };
#define OP_BASE 100  // op numbers of this file in the shared cache

static struct zoo_primitive_key key_for(const struct zoo_conv2d *g, int direction) {
    struct zoo_primitive_key key = zoo_primitive_key_make(OP_BASE + direction);
    const long values[] = {g->batch, g->in_channels, g->in_h, g->in_w, g->out_channels, g->out_h, g->out_w,
                           g->kernel_h, g->kernel_w, g->stride_h, g->stride_w, g->pad_top, g->pad_left,
                           g->pad_bottom, g->pad_right, g->dilation_h, g->dilation_w};
    for (unsigned i = 0; i < sizeof values / sizeof *values; i++) key.values[i] = values[i];
    return key;
}

static struct zoo_conv2d geometry_of(const struct zoo_primitive_key *key) {
    const long *v = key->values;
    struct zoo_conv2d g = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
                           v[10], v[11], v[12], v[13], v[14], v[15], v[16]};
    return g;
}

// The forward descriptor of the convolution: built for every direction, since oneDNN's
// backward primitives take the forward one as a hint.
static dnnl_status_t describe(const struct zoo_conv2d *g, bool bias, dnnl_convolution_desc_t *desc,
                              dnnl_memory_desc_t *src, dnnl_memory_desc_t *weights, dnnl_memory_desc_t *bias_md,
                              dnnl_memory_desc_t *dst, dnnl_dims_t strides, dnnl_dims_t dilates,
                              dnnl_dims_t pad_l, dnnl_dims_t pad_r) {
    const long src_dims[] = {g->batch, g->in_channels, g->in_h, g->in_w};
    const long weight_dims[] = {g->out_channels, g->in_channels, g->kernel_h, g->kernel_w};
    const long dst_dims[] = {g->batch, g->out_channels, g->out_h, g->out_w};
    const long bias_dims[] = {g->out_channels};
    strides[0] = g->stride_h; strides[1] = g->stride_w;
    dilates[0] = g->dilation_h - 1; dilates[1] = g->dilation_w - 1;  // oneDNN counts the gaps
    pad_l[0] = g->pad_top; pad_l[1] = g->pad_left;
    pad_r[0] = g->pad_bottom; pad_r[1] = g->pad_right;
    dnnl_status_t s = zoo_plain_md(src, 4, src_dims);
    if (s == dnnl_success) s = zoo_plain_md(weights, 4, weight_dims);
    if (s == dnnl_success) s = zoo_plain_md(dst, 4, dst_dims);
    if (s == dnnl_success) s = zoo_plain_md(bias_md, 1, bias_dims);
    if (s == dnnl_success)
        s = dnnl_dilated_convolution_forward_desc_init(desc, dnnl_forward_training, dnnl_convolution_direct, src,
                                                       weights, bias ? bias_md : NULL, dst, strides, dilates, pad_l, pad_r);
    return s;
}

static void build(const struct zoo_primitive_key *key, dnnl_engine_t engine, struct zoo_primitive *out) {
    const int direction = key->op - OP_BASE;
    const struct zoo_conv2d g = geometry_of(key);
    const bool bias = direction == FORWARD_BIAS || direction == BACKWARD_WEIGHTS_BIAS;
    dnnl_convolution_desc_t forward, backward;
    dnnl_memory_desc_t src, weights, bias_md, dst;
    dnnl_dims_t strides, dilates, pad_l, pad_r;
    out->status = describe(&g, bias, &forward, &src, &weights, &bias_md, &dst, strides, dilates, pad_l, pad_r);
    if (out->status != dnnl_success) return;
    dnnl_primitive_attr_t attr = zoo_primitive_attr();
    if (!attr) { out->status = dnnl_out_of_memory; return; }
    dnnl_primitive_desc_t hint = NULL, pd = NULL;
    out->status = dnnl_primitive_desc_create(&hint, &forward, attr, engine, NULL);
    if (out->status == dnnl_success) {
        if (direction == FORWARD || direction == FORWARD_BIAS) {
            pd = hint;
            hint = NULL;
            const int q[] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_BIAS};
            zoo_primitive_finish(out, pd, q, bias ? 4 : 3);
        } else if (direction == BACKWARD_DATA) {
            out->status = dnnl_dilated_convolution_backward_data_desc_init(&backward, dnnl_convolution_direct, &src,
                                                                           &weights, &dst, strides, dilates, pad_l, pad_r);
            if (out->status == dnnl_success)
                out->status = dnnl_primitive_desc_create(&pd, &backward, attr, engine, hint);
            if (out->status == dnnl_success) {
                const int q[] = {DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
                zoo_primitive_finish(out, pd, q, 3);
            }
        } else {
            out->status = dnnl_dilated_convolution_backward_weights_desc_init(
                &backward, dnnl_convolution_direct, &src, &weights, bias ? &bias_md : NULL, &dst, strides, dilates,
                pad_l, pad_r);
            if (out->status == dnnl_success)
                out->status = dnnl_primitive_desc_create(&pd, &backward, attr, engine, hint);
            if (out->status == dnnl_success) {
                const int q[] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS};
                zoo_primitive_finish(out, pd, q, bias ? 4 : 3);
            }
        }
    }
    if (hint) dnnl_primitive_desc_destroy(hint);
    dnnl_primitive_attr_destroy(attr);
}

static int run(const struct zoo_conv2d *g, int direction, void *const *pointers) {
    struct zoo_primitive_key key = key_for(g, direction);
    const struct zoo_primitive *p = zoo_primitive_lookup(&key, build);
    return p ? (int)zoo_primitive_execute(p, pointers) : (int)dnnl_out_of_memory;
}

int zoo_conv2d_forward(const struct zoo_conv2d *g, const float *x, const float *w, const float *bias, float *y) {
    void *pointers[] = {(void *)x, (void *)w, y, (void *)bias};
    return run(g, bias ? FORWARD_BIAS : FORWARD, pointers);
}

int zoo_conv2d_backward_data(const struct zoo_conv2d *g, const float *w, const float *dy, float *dx) {
    void *pointers[] = {(void *)w, (void *)dy, dx};
    return run(g, BACKWARD_DATA, pointers);
}

int zoo_conv2d_backward_weights(const struct zoo_conv2d *g, const float *x, const float *dy, float *dw, float *dbias) {
    void *pointers[] = {(void *)x, (void *)dy, dw, dbias};
    return run(g, dbias ? BACKWARD_WEIGHTS_BIAS : BACKWARD_WEIGHTS, pointers);
}
