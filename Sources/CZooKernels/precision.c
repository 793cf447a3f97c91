// Whether bf16 products can run here, and the float32 -> bfloat16 conversion they apply.
#include "zoo_kernels.h"
#include "matmul.h"
#include "primitive_cache.h"

const char *zoo_bf16_unavailable(void) {
    // oneDNN's effective ISA is the CPU's, capped by DNNL_MAX_CPU_ISA where that is set.
    const dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    if ((isa & dnnl_cpu_isa_avx512_core_bf16) != dnnl_cpu_isa_avx512_core_bf16)
        return "this CPU lacks AVX512_BF16 (oneDNN runs bf16 products on CPUs that have it, such as AMD Zen 4 and Intel Cooper Lake or later)";
    // The CPU has it; ask oneDNN for one product of a model's size.
    static float a[64 * 64], b[64 * 64], c[64 * 64];
    if (zoo_matmul('N', 'T', 64, 64, 64, a, 64, NULL, b, 64, NULL, NULL, 0, c, 64, 1, zoo_precision_bf16) != dnnl_success)
        return "oneDNN declines to build bf16 matrix products on this CPU";
    return NULL;
}

// key values: n.
enum { CONVERT_TO_BF16 = 500 };

static void build_conversion(const struct zoo_primitive_key *key, dnnl_engine_t engine, struct zoo_primitive *out) {
    dnnl_dims_t dims = {key->values[0]};
    dnnl_memory_desc_t from, to;
    out->status = dnnl_memory_desc_init_by_tag(&from, 1, dims, dnnl_f32, dnnl_a);
    if (out->status == dnnl_success) out->status = dnnl_memory_desc_init_by_tag(&to, 1, dims, dnnl_bf16, dnnl_a);
    dnnl_primitive_attr_t attr = out->status == dnnl_success ? zoo_primitive_attr() : NULL;
    if (out->status == dnnl_success && !attr) out->status = dnnl_out_of_memory;
    dnnl_primitive_desc_t pd = NULL;
    if (out->status == dnnl_success) out->status = dnnl_reorder_primitive_desc_create(&pd, &from, engine, &to, engine, attr);
    if (out->status == dnnl_success) {
        const int args[] = {DNNL_ARG_FROM, DNNL_ARG_TO};
        zoo_primitive_finish(out, pd, args, 2);
    }
    if (attr) dnnl_primitive_attr_destroy(attr);
}

int zoo_convert_to_bf16(const float *src, unsigned short *dst, long n) {
    if (n <= 0) return dnnl_success;
    struct zoo_primitive_key key = zoo_primitive_key_make(CONVERT_TO_BF16);
    key.values[0] = n;
    const struct zoo_primitive *p = zoo_primitive_lookup(&key, build_conversion);
    if (!p) return dnnl_out_of_memory;
    void *pointers[] = {(void *)src, dst};
    return zoo_primitive_execute(p, pointers);
}
