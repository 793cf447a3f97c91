// The image ops of the tensor core on oneDNN primitives: convolution, batch normalization,
// pooling and nearest resampling. Every tensor is plain float32 NCHW (row-major [batch,
// channels, height, width]) and every weight plain OIHW, the layouts PyTorch and the
// checkpoints use. Where oneDNN's blocked layouts are faster (convolutions, pooling), a call
// reorders its arguments into them and its results back (see convolution.c, pooling.c).
// Each op and shape gets its primitive built once and cached for the life of the process.
// Every function returns a dnnl_status_t (0 is success).
#pragma once

// The geometry of one 2-D convolution (PyTorch's Conv2d): input [batch, in_channels, in_h,
// in_w], weights [out_channels, in_channels, kernel_h, kernel_w], output [batch, out_channels,
// out_h, out_w]. Padding is given per side; the far side may be smaller than the near one (the
// rows a strided window never reaches), as long as the sizes agree:
// out = (in + pad_near + pad_far - dilation·(kernel - 1) - 1) / stride + 1, exactly.
struct zoo_conv2d {
    long batch, in_channels, in_h, in_w;
    long out_channels, out_h, out_w;
    long kernel_h, kernel_w;
    long stride_h, stride_w;
    long pad_top, pad_left, pad_bottom, pad_right;
    long dilation_h, dilation_w;  // 1: an ordinary convolution
    long precision;               // a zoo_precision (convolutions only; pooling ignores it)
};

// The arithmetic of a matrix product or convolution. fp32: float32 throughout. bf16 (mixed
// precision): the two operands (input and weights, or the gradient and one of them) are rounded
// to bfloat16, nearest even, on their way into the primitive, which multiplies them exactly and
// accumulates and returns float32. Needs a CPU with AVX512_BF16 (zoo_bf16_unavailable).
enum zoo_precision { zoo_precision_fp32 = 0, zoo_precision_bf16 = 1 };

// NULL where bf16 products run on this CPU; else one line saying why not (the CPU lacks
// AVX512_BF16, or oneDNN declines to build a bf16 product).
const char *zoo_bf16_unavailable(void);

// dst[i] = src[i] rounded to bfloat16 (nearest, ties to even; NaN stays NaN): the conversion
// every bf16 product applies to its operands (oneDNN's reorder, vectorized, with the AVX512_BF16
// instruction where the CPU has it). Runs on any CPU.
int zoo_convert_to_bf16(const float *src, unsigned short *dst, long n);

// Names what a buffer holds: `id` is unique to the buffer for its life (addresses are reused,
// ids are not) and `version` changes whenever it is written. Given for a weight, it lets a call
// reuse the weight's blocked copy from an earlier call on the same version (see
// primitive_cache.h): a weight is then reordered (or converted to bf16) once per optimizer step,
// not once per call.
struct zoo_buffer_version {
    unsigned long long id, version;
};
// How many kept weight copies the calling thread has reordered (for tests).
unsigned long zoo_kept_copy_reorders(void);

// y = conv(x, w) + bias (bias may be NULL; w_version may be NULL: reorder w afresh).
int zoo_conv2d_forward(const struct zoo_conv2d *g, const float *x, const float *w, const struct zoo_buffer_version *w_version,
                       const float *bias, float *y);
// dx = the gradient of the input given dy. This is also the forward pass of a transposed
// convolution, whose weights [in, out, kh, kw] are this convolution's [out_channels, in_channels, kh, kw].
int zoo_conv2d_backward_data(const struct zoo_conv2d *g, const float *w, const struct zoo_buffer_version *w_version,
                             const float *dy, float *dx);
// dw (and dbias, the sum of dy over batch and pixels, unless NULL) given the input and dy.
int zoo_conv2d_backward_weights(const struct zoo_conv2d *g, const float *x, const float *dy, float *dw, float *dbias);

// Batch normalization of x [batch, channels, spatial] per channel, y = γ·(x - μ)/√(σ² + ε) + β.
// Training: μ and σ² (biased, over batch and spatial) are computed and written to mean and
// variance. Inference: the given mean and variance are used.
int zoo_batch_norm_forward(long batch, long channels, long spatial, float epsilon, int training,
                           const float *x, const float *gamma, const float *beta, float *mean, float *variance, float *y);
// dx, dγ, dβ. `training` says whether the forward pass used batch statistics (whose dependence
// on x the gradient then includes) or fixed ones.
int zoo_batch_norm_backward(long batch, long channels, long spatial, float epsilon, int training,
                            const float *x, const float *gamma, const float *beta, const float *mean,
                            const float *variance, const float *dy, float *dx, float *dgamma, float *dbeta);

// Max or average pooling (PyTorch's MaxPool2d and AvgPool2d with count_include_pad=True) of
// x [batch, channels, in_h, in_w] to [batch, channels, out_h, out_w]. The kernel, stride and
// padding fields of `g` are used; in_channels = out_channels = channels.
enum zoo_pooling { zoo_pooling_max = 0, zoo_pooling_average = 1 };
// Bytes of the workspace in which max pooling's forward pass records where each maximum was
// (its backward pass reads it); 0 for average pooling.
long zoo_pool2d_workspace_size(const struct zoo_conv2d *g, int kind);
int zoo_pool2d_forward(const struct zoo_conv2d *g, int kind, const float *x, float *y, void *workspace);
int zoo_pool2d_backward(const struct zoo_conv2d *g, int kind, const float *dy, const void *workspace, float *dx);

// Nearest-neighbour upsampling of x [batch, channels, in_h, in_w] by whole factors to
// [batch, channels, in_h·factor_h, in_w·factor_w], and its backward pass (sums over each block).
int zoo_upsample_nearest_forward(long batch, long channels, long in_h, long in_w, long factor_h, long factor_w,
                                 const float *x, float *y);
int zoo_upsample_nearest_backward(long batch, long channels, long in_h, long in_w, long factor_h, long factor_w,
                                  const float *dy, float *dx);
