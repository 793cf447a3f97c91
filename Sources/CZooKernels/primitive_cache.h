// A process-wide cache of oneDNN primitives, one per op and shape, built on first use (building
// a primitive costs far more than running it) and never evicted, so a shape keeps the
// implementation it got first and results stay bit-identical from step to step.
// Internal to CZooKernels: the public entry points are in zoo_primitives.h.
#pragma once
#include <dnnl.h>
#include <stdbool.h>
#include "zoo_primitives.h"

#define ZOO_PRIMITIVE_MAX_ARGS 10
#define ZOO_PRIMITIVE_KEY_VALUES 24

// What identifies a primitive: the op (one of the caller's constants) and its sizes. The key is
// hashed and compared as bytes, so callers start from zoo_primitive_key_make (zeroed padding).
struct zoo_primitive_key {
    int op;
    int threads;  // some implementations pick their blocking by the thread count
    long values[ZOO_PRIMITIVE_KEY_VALUES];
};

// A built primitive and the memory its execution takes, argument by argument, in the order the
// caller hands pointers to zoo_primitive_execute. The scratchpad is added there.
//
// An argument may be staged: the primitive works on its own (blocked) layout of it while the
// caller's buffer stays plain. Its input is then reordered into a staging buffer before the
// primitive runs, or its output reordered out of one after. Staging buffers and the scratchpad
// share one per-thread allocation: `workspace_size` bytes, staging buffer i at staged_offset[i].
struct zoo_primitive {
    dnnl_primitive_t primitive;  // NULL: oneDNN could not build it (an error for the caller)
    dnnl_status_t status;        // why not, when primitive is NULL
    int arg_count;
    int args[ZOO_PRIMITIVE_MAX_ARGS];
    dnnl_memory_desc_t mds[ZOO_PRIMITIVE_MAX_ARGS];
    dnnl_memory_desc_t scratchpad;
    // Staging (see above): the caller's layout, and the reorder between it and mds[i].
    dnnl_memory_desc_t user_mds[ZOO_PRIMITIVE_MAX_ARGS];
    dnnl_primitive_t reorders[ZOO_PRIMITIVE_MAX_ARGS];  // NULL: not staged
    bool staged_output[ZOO_PRIMITIVE_MAX_ARGS];
    // Staged by a change of data type alone (f32 to bf16, same dims and strides, dense): the
    // staged copy is then the same whichever primitive made it, so a kept copy is shared by
    // every primitive that reads the buffer (a weight read as W in one product and Wᵀ in another).
    bool converted_only[ZOO_PRIMITIVE_MAX_ARGS];
    size_t staged_offset[ZOO_PRIMITIVE_MAX_ARGS];
    size_t workspace_size;
};

struct zoo_primitive_key zoo_primitive_key_make(int op);

// Fills `out` (already zeroed) for `key`: creates the primitive descriptor from the key's sizes
// and hands it to zoo_primitive_finish.
typedef void (*zoo_primitive_builder)(const struct zoo_primitive_key *key, dnnl_engine_t engine,
                                      struct zoo_primitive *out);

// The cached primitive for `key`, built with `build` on first use; NULL only when the cache is
// full (over 1500 primitives, far beyond any model) or no engine could be created.
const struct zoo_primitive *zoo_primitive_lookup(const struct zoo_primitive_key *key, zoo_primitive_builder build);

// Creates out's primitive from `pd`, taking the execution arguments `args` (DNNL_ARG_*) in that
// order with the memory descriptors `pd` gives them, and destroys `pd`. Every primitive gets a
// user scratchpad (one buffer per calling thread).
void zoo_primitive_finish(struct zoo_primitive *out, dnnl_primitive_desc_t pd, const int *args, int count);

// Makes argument `index` of a finished primitive take the caller's buffer in layout `user`
// (plain), reordering into or out of the primitive's own layout around each run; nothing is
// staged when the two layouts are the same. Returns false (and sets out->status) on failure.
bool zoo_primitive_stage(struct zoo_primitive *out, dnnl_engine_t engine, int index, const dnnl_memory_desc_t *user,
                         bool output);

// An attribute with a user-managed scratchpad, for every zoo primitive descriptor.
dnnl_primitive_attr_t zoo_primitive_attr(void);

// Runs `p` on buffers given in the order of p->args (NULL for an argument the op was built
// without is not allowed: build a key per variant instead). Returns the oneDNN status.
dnnl_status_t zoo_primitive_execute(const struct zoo_primitive *p, void *const *pointers);

// As zoo_primitive_execute, where `versions[i]` (or the whole array) may be NULL. A staged input
// that comes with its buffer's version is reordered only when that version was not reordered
// before: the blocked copy is kept (per thread, for the last few dozen buffers) and reused.
// This is how a weight is reordered once per optimizer step rather than on every forward and
// backward-data call.
dnnl_status_t zoo_primitive_execute_versioned(const struct zoo_primitive *p, void *const *pointers,
                                              const struct zoo_buffer_version *const *versions);

// A plain (row-major) f32 memory descriptor of the given dimensions.
dnnl_status_t zoo_plain_md(dnnl_memory_desc_t *md, int ndims, const long *dims);
