#include "primitive_cache.h"
#include "zoo_kernels.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// A power of two. An entry is about 15 KB (oneDNN memory descriptors), so 2048 of them are 30 MB
// of address space, touched only where used; 1536 primitives fit, far more than a model uses.
#define TABLE_SIZE 2048

struct entry {
    bool used;
    struct zoo_primitive_key key;
    struct zoo_primitive value;
};

static struct entry *table;
static int table_count;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static dnnl_engine_t engine;
static _Thread_local dnnl_stream_t stream;
// One buffer per calling thread for scratchpads and staged arguments, grown to the largest
// primitive's need.
static _Thread_local void *scratch;
static _Thread_local size_t scratch_size;

static size_t aligned(size_t bytes) { return (bytes + 63) / 64 * 64; }

struct zoo_primitive_key zoo_primitive_key_make(int op) {
    struct zoo_primitive_key key;
    memset(&key, 0, sizeof key);
    key.op = op;
    key.threads = zoo_num_threads();
    return key;
}

static unsigned long hash_key(const struct zoo_primitive_key *key) {
    unsigned long h = 1469598103934665603UL;
    const unsigned char *bytes = (const unsigned char *)key;
    for (size_t i = 0; i < sizeof *key; i++) h = (h ^ bytes[i]) * 1099511628211UL;
    return h;
}

dnnl_primitive_attr_t zoo_primitive_attr(void) {
    dnnl_primitive_attr_t attr = NULL;
    if (dnnl_primitive_attr_create(&attr) != dnnl_success) return NULL;
    if (dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user) != dnnl_success) {
        dnnl_primitive_attr_destroy(attr);
        return NULL;
    }
    return attr;
}

dnnl_status_t zoo_plain_md(dnnl_memory_desc_t *md, int ndims, const long *dims) {
    dnnl_dims_t d, strides;
    long stride = 1;
    for (int i = ndims - 1; i >= 0; i--) {
        d[i] = dims[i];
        strides[i] = stride;
        stride *= dims[i] > 0 ? dims[i] : 1;
    }
    return dnnl_memory_desc_init_by_strides(md, ndims, d, dnnl_f32, strides);
}

void zoo_primitive_finish(struct zoo_primitive *out, dnnl_primitive_desc_t pd, const int *args, int count) {
    out->arg_count = 0;
    for (int i = 0; i < count && i < ZOO_PRIMITIVE_MAX_ARGS; i++) {
        const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, args[i]);
        if (!md || md->ndims == 0) { out->status = dnnl_invalid_arguments; dnnl_primitive_desc_destroy(pd); return; }
        out->args[i] = args[i];
        out->mds[i] = *md;
        out->arg_count = i + 1;
    }
    const dnnl_memory_desc_t *scratchpad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    if (scratchpad) {
        out->scratchpad = *scratchpad;
        out->workspace_size = aligned(dnnl_memory_desc_get_size(scratchpad));
    }
    out->status = dnnl_primitive_create(&out->primitive, pd);
    if (out->status != dnnl_success) out->primitive = NULL;
    dnnl_primitive_desc_destroy(pd);
}

bool zoo_primitive_stage(struct zoo_primitive *out, dnnl_engine_t engine, int index, const dnnl_memory_desc_t *user,
                         bool output) {
    out->user_mds[index] = *user;
    if (dnnl_memory_desc_equal(user, &out->mds[index])) return true;
    const dnnl_memory_desc_t *from = output ? &out->mds[index] : user, *to = output ? user : &out->mds[index];
    dnnl_primitive_desc_t pd = NULL;
    out->status = dnnl_reorder_primitive_desc_create(&pd, from, engine, to, engine, NULL);
    if (out->status == dnnl_success) out->status = dnnl_primitive_create(&out->reorders[index], pd);
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (out->status != dnnl_success) {
        out->reorders[index] = NULL;
        if (out->primitive) dnnl_primitive_destroy(out->primitive);
        out->primitive = NULL;
        return false;
    }
    out->staged_output[index] = output;
    dnnl_memory_desc_t retyped = *user;
    retyped.data_type = out->mds[index].data_type;
    long elements = 1;
    for (int d = 0; d < user->ndims; d++) elements *= user->dims[d];
    out->converted_only[index] = dnnl_memory_desc_equal(&retyped, &out->mds[index]) &&
                                 dnnl_memory_desc_get_size(&out->mds[index]) == (size_t)elements * dnnl_data_type_size(retyped.data_type);
    out->staged_offset[index] = out->workspace_size;
    out->workspace_size += aligned(dnnl_memory_desc_get_size(&out->mds[index]));
    return true;
}

const struct zoo_primitive *zoo_primitive_lookup(const struct zoo_primitive_key *key, zoo_primitive_builder build) {
    pthread_mutex_lock(&table_lock);
    if (!engine && dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) engine = NULL;
    if (!table && engine) table = calloc(TABLE_SIZE, sizeof *table);
    const struct zoo_primitive *found = NULL;
    if (table) {
        unsigned long slot = hash_key(key) & (TABLE_SIZE - 1);
        for (int probe = 0; probe < TABLE_SIZE; probe++, slot = (slot + 1) & (TABLE_SIZE - 1)) {
            struct entry *e = &table[slot];
            if (e->used && memcmp(&e->key, key, sizeof *key) == 0) { found = &e->value; break; }
            if (!e->used) {
                // Keep a quarter free so probes stay short.
                if (table_count < TABLE_SIZE * 3 / 4) {
                    e->used = true;
                    e->key = *key;
                    memset(&e->value, 0, sizeof e->value);
                    e->value.status = dnnl_unimplemented;
                    build(key, engine, &e->value);
                    table_count++;
                    found = &e->value;
                }
                break;
            }
        }
    }
    pthread_mutex_unlock(&table_lock);
    return found;
}

// Runs a reorder between two memories of the caller's and the primitive's layout.
static dnnl_status_t run_reorder(dnnl_primitive_t reorder, dnnl_memory_t from, dnnl_memory_t to) {
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    return dnnl_primitive_execute(reorder, stream, 2, args);
}

// Blocked (or converted) copies of versioned inputs (weights), kept across calls: per thread, so
// no lock, and at most KEPT_COPIES of them, the least recently used replaced first. A copy is
// found by the buffer's id and the reorder that made it (a weight has one blocked layout per
// primitive that reads it: forward and backward-data may differ), or, for a conversion of type
// alone, by the id and its size (any such reorder makes the same bytes), and is current while the
// version matches.
#define KEPT_COPIES 64

struct kept_copy {
    unsigned long long id, version;
    dnnl_primitive_t reorder;  // NULL: an empty slot
    bool converted_only;       // then any converting reorder of the same size matches
    void *data;
    size_t size;
    unsigned long last_use;
};

static _Thread_local struct kept_copy kept[KEPT_COPIES];
static _Thread_local unsigned long kept_clock;
static _Thread_local unsigned long kept_reorders;

unsigned long zoo_kept_copy_reorders(void) { return kept_reorders; }

// The kept copy for `version` through `reorder`, made current (reordered from `user`) unless it
// already is; NULL when no memory could be had (the caller then stages as usual).
static void *kept_copy_of(const struct zoo_buffer_version *version, dnnl_primitive_t reorder, bool converted_only,
                          const dnnl_memory_desc_t *md, dnnl_memory_t user, dnnl_status_t *status) {
    const size_t size = dnnl_memory_desc_get_size(md);
    struct kept_copy *slot = NULL;
    for (int i = 0; i < KEPT_COPIES && !slot; i++) {
        if (!kept[i].reorder || kept[i].id != version->id) continue;
        if (converted_only ? kept[i].converted_only && kept[i].size == size : kept[i].reorder == reorder) slot = &kept[i];
    }
    bool current = slot && slot->version == version->version;
    if (!slot) {
        slot = &kept[0];
        for (int i = 1; i < KEPT_COPIES; i++)
            if (!kept[i].reorder || (slot->reorder && kept[i].last_use < slot->last_use)) slot = &kept[i];
        if (slot->size != size) {
            free(slot->data);
            slot->data = aligned_alloc(64, aligned(size));
            slot->size = slot->data ? size : 0;
        }
        slot->reorder = slot->data ? reorder : NULL;
        slot->converted_only = converted_only;
        slot->id = version->id;
        if (!slot->data) return NULL;
    }
    slot->last_use = ++kept_clock;
    if (!current) {
        dnnl_memory_t copy = NULL;
        *status = dnnl_memory_create(&copy, md, engine, slot->data);
        if (*status == dnnl_success) *status = run_reorder(reorder, user, copy);
        if (copy) dnnl_memory_destroy(copy);
        kept_reorders++;
        // A failed reorder leaves the copy stale: forget it.
        slot->version = version->version;
        if (*status != dnnl_success) slot->reorder = NULL;
    }
    return slot->data;
}

dnnl_status_t zoo_primitive_execute(const struct zoo_primitive *p, void *const *pointers) {
    return zoo_primitive_execute_versioned(p, pointers, NULL);
}

dnnl_status_t zoo_primitive_execute_versioned(const struct zoo_primitive *p, void *const *pointers,
                                              const struct zoo_buffer_version *const *versions) {
    if (!p->primitive) return p->status;
    if (!stream) {
        dnnl_status_t status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
        if (status != dnnl_success) { stream = NULL; return status; }
    }
    if (p->workspace_size > scratch_size) {
        free(scratch);
        scratch_size = (p->workspace_size + 4095) / 4096 * 4096;
        scratch = aligned_alloc(4096, scratch_size);
        if (!scratch) { scratch_size = 0; return dnnl_out_of_memory; }
    }
    dnnl_exec_arg_t args[ZOO_PRIMITIVE_MAX_ARGS + 1];
    dnnl_memory_t user[ZOO_PRIMITIVE_MAX_ARGS] = {NULL};  // the caller's buffers of staged arguments
    int count = 0;
    dnnl_status_t status = dnnl_success;
    for (int i = 0; i < p->arg_count && status == dnnl_success; i++) {
        args[i].arg = p->args[i];
        args[i].memory = NULL;
        const bool staged = p->reorders[i] != NULL;
        if (staged) status = dnnl_memory_create(&user[i], &p->user_mds[i], engine, pointers[i]);
        if (status != dnnl_success) break;
        // A versioned input's blocked copy is kept (and reordered only when stale).
        void *kept_data = NULL;
        if (staged && !p->staged_output[i] && versions && versions[i])
            kept_data = kept_copy_of(versions[i], p->reorders[i], p->converted_only[i], &p->mds[i], user[i], &status);
        if (status != dnnl_success) break;
        void *own = kept_data ? kept_data : staged ? (char *)scratch + p->staged_offset[i] : pointers[i];
        status = dnnl_memory_create(&args[i].memory, &p->mds[i], engine, own);
        if (status == dnnl_success) count++;
        if (status == dnnl_success && staged && !kept_data && !p->staged_output[i])
            status = run_reorder(p->reorders[i], user[i], args[i].memory);
    }
    if (status == dnnl_success) {
        args[count].arg = DNNL_ARG_SCRATCHPAD;
        status = dnnl_memory_create(&args[count].memory, &p->scratchpad, engine, scratch);
        if (status == dnnl_success) count++;
    }
    if (status == dnnl_success) status = dnnl_primitive_execute(p->primitive, stream, count, args);
    for (int i = 0; i < p->arg_count && status == dnnl_success; i++)
        if (p->reorders[i] && p->staged_output[i]) status = run_reorder(p->reorders[i], args[i].memory, user[i]);
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    for (int i = 0; i < count; i++) dnnl_memory_destroy(args[i].memory);
    for (int i = 0; i < p->arg_count; i++)
        if (user[i]) dnnl_memory_destroy(user[i]);
    return status;
}
