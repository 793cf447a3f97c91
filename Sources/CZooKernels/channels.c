// Per-channel loops over NCHW tensors: a bias added to every pixel of its channel, and the
// sum of each channel over batch and pixels (that bias's gradient).
#include "zoo_kernels.h"

void zoo_add_channel_bias(float *x, const float *bias, long batch, long channels, long spatial) {
    for (long n = 0; n < batch; n++)
        for (long c = 0; c < channels; c++) {
            float *row = x + (n * channels + c) * spatial;
            const float b = bias[c];
            for (long i = 0; i < spatial; i++) row[i] += b;
        }
}

void zoo_sum_channels(const float *x, long batch, long channels, long spatial, float *out) {
    for (long c = 0; c < channels; c++) {
        double total = 0;  // in a fixed order, in double: the same bits for any thread count
        for (long n = 0; n < batch; n++) {
            const float *row = x + (n * channels + c) * spatial;
            float partial = 0;
            for (long i = 0; i < spatial; i++) partial += row[i];
            total += partial;
        }
        out[c] = (float)total;
    }
}
