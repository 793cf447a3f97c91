// Batch normalization on oneDNN, per channel of [batch, channels, spatial] data (spatial = 1
// for features, height·width for images), with separate scale (γ) and shift (β) tensors as
// PyTorch keeps them.
#include "zoo_primitives.h"
#include "primitive_cache.h"
#include <string.h>

enum { FORWARD_TRAINING = 200, FORWARD_INFERENCE, BACKWARD_TRAINING, BACKWARD_INFERENCE };

static dnnl_status_t describe(const struct zoo_primitive_key *key, dnnl_batch_normalization_desc_t *desc,
                              dnnl_memory_desc_t *data, bool training) {
    const long dims[] = {key->values[0], key->values[1], key->values[2], 1};
    float epsilon;
    memcpy(&epsilon, &key->values[3], sizeof epsilon);
    dnnl_status_t s = zoo_plain_md(data, 4, dims);
    unsigned flags = dnnl_use_scale | dnnl_use_shift | (training ? 0 : dnnl_use_global_stats);
    if (s == dnnl_success)
        s = dnnl_batch_normalization_forward_desc_init(desc, training ? dnnl_forward_training : dnnl_forward_inference,
                                                       data, epsilon, flags);
    return s;
}

static void build(const struct zoo_primitive_key *key, dnnl_engine_t engine, struct zoo_primitive *out) {
    const bool forward = key->op == FORWARD_TRAINING || key->op == FORWARD_INFERENCE;
    const bool training = key->op == FORWARD_TRAINING || key->op == BACKWARD_TRAINING;
    dnnl_batch_normalization_desc_t forward_desc, backward_desc;
    dnnl_memory_desc_t data;
    out->status = describe(key, &forward_desc, &data, training);
    if (out->status != dnnl_success) return;
    dnnl_primitive_attr_t attr = zoo_primitive_attr();
    if (!attr) { out->status = dnnl_out_of_memory; return; }
    dnnl_primitive_desc_t hint = NULL, pd = NULL;
    out->status = dnnl_primitive_desc_create(&hint, &forward_desc, attr, engine, NULL);
    if (out->status == dnnl_success && forward) {
        const int q[] = {DNNL_ARG_SRC, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DST};
        zoo_primitive_finish(out, hint, q, 6);
        hint = NULL;
    } else if (out->status == dnnl_success) {
        unsigned flags = dnnl_use_scale | dnnl_use_shift | (training ? 0 : dnnl_use_global_stats);
        float epsilon;
        memcpy(&epsilon, &key->values[3], sizeof epsilon);
        out->status = dnnl_batch_normalization_backward_desc_init(&backward_desc, dnnl_backward, &data, &data,
                                                                  epsilon, flags);
        if (out->status == dnnl_success) out->status = dnnl_primitive_desc_create(&pd, &backward_desc, attr, engine, hint);
        if (out->status == dnnl_success) {
            // oneDNN 2.6 refuses to run without the shift, though the gradient does not read it.
            const int q[] = {DNNL_ARG_SRC,      DNNL_ARG_SCALE,    DNNL_ARG_SHIFT,    DNNL_ARG_MEAN,      DNNL_ARG_VARIANCE,
                             DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_SCALE, DNNL_ARG_DIFF_SHIFT};
            zoo_primitive_finish(out, pd, q, 9);
        }
    }
    if (hint) dnnl_primitive_desc_destroy(hint);
    dnnl_primitive_attr_destroy(attr);
}

static const struct zoo_primitive *lookup(int op, long batch, long channels, long spatial, float epsilon) {
    struct zoo_primitive_key key = zoo_primitive_key_make(op);
    key.values[0] = batch;
    key.values[1] = channels;
    key.values[2] = spatial;
    memcpy(&key.values[3], &epsilon, sizeof epsilon);
    return zoo_primitive_lookup(&key, build);
}

int zoo_batch_norm_forward(long batch, long channels, long spatial, float epsilon, int training,
                           const float *x, const float *gamma, const float *beta, float *mean, float *variance, float *y) {
    const struct zoo_primitive *p = lookup(training ? FORWARD_TRAINING : FORWARD_INFERENCE, batch, channels, spatial, epsilon);
    void *pointers[] = {(void *)x, (void *)gamma, (void *)beta, mean, variance, y};
    return p ? (int)zoo_primitive_execute(p, pointers) : (int)dnnl_out_of_memory;
}

int zoo_batch_norm_backward(long batch, long channels, long spatial, float epsilon, int training,
                            const float *x, const float *gamma, const float *beta, const float *mean,
                            const float *variance, const float *dy, float *dx, float *dgamma, float *dbeta) {
    const struct zoo_primitive *p = lookup(training ? BACKWARD_TRAINING : BACKWARD_INFERENCE, batch, channels, spatial, epsilon);
    void *pointers[] = {(void *)x, (void *)gamma, (void *)beta, (void *)mean, (void *)variance, (void *)dy, dx, dgamma, dbeta};
    return p ? (int)zoo_primitive_execute(p, pointers) : (int)dnnl_out_of_memory;
}
