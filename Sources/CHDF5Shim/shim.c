#include "zoo_hdf5_shim.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void zoo_h5_prepare(void) {
    // The flag is per thread because the auto-print setting is per thread (see the header).
    static _Thread_local int prepared = 0;
    if (prepared) return;
    (void)H5open();
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    prepared = 1;
}

unsigned zoo_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
unsigned zoo_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
unsigned zoo_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
H5F_libver_t zoo_h5f_libver_latest(void) { return H5F_LIBVER_LATEST; }
unsigned zoo_h5f_obj_all_local(void) { return H5F_OBJ_ALL | H5F_OBJ_LOCAL; }

hid_t zoo_h5p_default(void) { return H5P_DEFAULT; }
hid_t zoo_h5s_all(void) { return H5S_ALL; }

hid_t zoo_h5p_file_access(void) { return H5P_FILE_ACCESS; }
hid_t zoo_h5p_file_create(void) { return H5P_FILE_CREATE; }
hid_t zoo_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
hid_t zoo_h5p_group_create(void) { return H5P_GROUP_CREATE; }

hid_t zoo_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t zoo_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t zoo_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
hid_t zoo_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
hid_t zoo_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
hid_t zoo_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }

hid_t zoo_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
hid_t zoo_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
hid_t zoo_h5t_std_i32le(void) { return H5T_STD_I32LE; }
hid_t zoo_h5t_std_i64le(void) { return H5T_STD_I64LE; }
hid_t zoo_h5t_std_u8le(void) { return H5T_STD_U8LE; }
hid_t zoo_h5t_std_u64le(void) { return H5T_STD_U64LE; }

hid_t zoo_h5t_c_s1(void) { return H5T_C_S1; }
size_t zoo_h5t_variable(void) { return H5T_VARIABLE; }

hid_t zoo_h5fd_sec2(void) { return H5FD_SEC2; }
haddr_t zoo_haddr_undef(void) { return HADDR_UNDEF; }

H5Z_filter_t zoo_h5z_filter_fletcher32(void) { return H5Z_FILTER_FLETCHER32; }
H5Z_filter_t zoo_h5z_filter_deflate(void) { return H5Z_FILTER_DEFLATE; }

// Larger values win when several frames of one stack match: the most specific cause is
// usually deeper than generic "can't open"/"not found" frames, but a checksum failure
// should be reported as such wherever it sits.
static int kind_rank(zoo_h5_error_kind kind) {
    switch (kind) {
    case ZOO_H5_ERR_DATA_CHECKSUM: return 8;
    case ZOO_H5_ERR_METADATA_CHECKSUM: return 7;
    case ZOO_H5_ERR_TRUNCATED: return 6;
    case ZOO_H5_ERR_NOT_HDF5: return 5;
    case ZOO_H5_ERR_CANT_OPEN_FILE: return 4;
    case ZOO_H5_ERR_EXISTS: return 3;
    case ZOO_H5_ERR_NOT_FOUND: return 2;
    case ZOO_H5_ERR_OTHER: return 1;
    case ZOO_H5_ERR_NONE: return 0;
    }
    return 0;
}

typedef struct {
    zoo_h5_error_kind kind;
    char *buf;
    size_t buf_len;
} walk_state;

static zoo_h5_error_kind classify(const H5E_error2_t *err) {
    // The global error-class ids are read directly (not through the H5E_* macros, which call
    // H5open) so that no API call can disturb the stack while it is being walked.
    // Checksum failures have no error class of their own in 1.10, only these messages.
    hid_t minor = err->min_num;
    if (err->desc && strstr(err->desc, "Fletcher32 checksum")) return ZOO_H5_ERR_DATA_CHECKSUM;
    if (err->desc && strstr(err->desc, "metadata checksum")) return ZOO_H5_ERR_METADATA_CHECKSUM;
    if (minor == H5E_TRUNCATED_g) return ZOO_H5_ERR_TRUNCATED;
    if (minor == H5E_NOTHDF5_g) return ZOO_H5_ERR_NOT_HDF5;
    if (minor == H5E_CANTOPENFILE_g) return ZOO_H5_ERR_CANT_OPEN_FILE;
    if (minor == H5E_EXISTS_g) return ZOO_H5_ERR_EXISTS;
    if (minor == H5E_NOTFOUND_g) return ZOO_H5_ERR_NOT_FOUND;
    return ZOO_H5_ERR_OTHER;
}

static herr_t walk_frame(unsigned n, const H5E_error2_t *err, void *client_data) {
    walk_state *state = (walk_state *)client_data;
    zoo_h5_error_kind kind = classify(err);
    if (kind_rank(kind) > kind_rank(state->kind)) state->kind = kind;
    // Walking upward, frame 0 is the innermost: the one that says what actually failed.
    if (n == 0 && state->buf && state->buf_len > 0 && err->desc) {
        strncpy(state->buf, err->desc, state->buf_len - 1);
        state->buf[state->buf_len - 1] = '\0';
    }
    return 0;
}

zoo_h5_error_kind zoo_h5_take_error(char *buf, size_t buf_len) {
    walk_state state = {ZOO_H5_ERR_NONE, buf, buf_len};
    if (buf && buf_len > 0) buf[0] = '\0';
    (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_frame, &state);
    (void)H5Eclear2(H5E_DEFAULT);
    return state.kind;
}

// File image callbacks that hand the library the caller's buffer wherever it would allocate
// and copy one. Every copy the library makes is then of the buffer onto itself, and nothing
// is freed: the caller owns the buffer. The user data is shared by the property list and its
// copies, so it counts its references.
typedef struct {
    void *buf;
    size_t size;
    int references;
} in_place_image;

static void *in_place_malloc(size_t size, H5FD_file_image_op_t op, void *udata) {
    in_place_image *image = (in_place_image *)udata;
    (void)op;
    return size == image->size ? image->buf : NULL;  // NULL fails the operation (a resize)
}

static void *in_place_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op, void *udata) {
    in_place_image *image = (in_place_image *)udata;
    (void)op;
    if (dest == src && dest == image->buf && size <= image->size) return dest;
    return NULL;  // a copy into anything else would mean a write: refuse it
}

static void *in_place_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)ptr, (void)size, (void)op, (void)udata;
    return NULL;  // the image is read-only and cannot grow
}

static herr_t in_place_free(void *ptr, H5FD_file_image_op_t op, void *udata) {
    (void)ptr, (void)op, (void)udata;
    return 0;
}

static void *in_place_udata_copy(void *udata) {
    ((in_place_image *)udata)->references++;
    return udata;
}

static herr_t in_place_udata_free(void *udata) {
    in_place_image *image = (in_place_image *)udata;
    if (--image->references == 0) free(image);
    return 0;
}

herr_t zoo_h5p_set_file_image_in_place(hid_t fapl, void *buf, size_t size) {
    in_place_image *image = (in_place_image *)malloc(sizeof *image);
    if (!image) return -1;
    image->buf = buf;
    image->size = size;
    image->references = 1;  // ours, dropped below once the property list holds its own
    H5FD_file_image_callbacks_t callbacks = {
        in_place_malloc, in_place_memcpy, in_place_realloc, in_place_free,
        in_place_udata_copy, in_place_udata_free, image,
    };
    herr_t status = H5Pset_file_image_callbacks(fapl, &callbacks);
    if (status >= 0) status = H5Pset_file_image(fapl, buf, size);
    in_place_udata_free(image);
    return status;
}

// Adds `n` (at most 360) big-endian 16-bit words to the running sums exactly as libhdf5's
// loop does (for each word w: sum1 += w; sum2 += sum1), but in eight independent lanes the
// compiler can vectorise: a lane's b[j] collects each word weighted by how many words of its
// lane follow it, and the lanes are recombined with the weights of the interleaved order.
// All arithmetic is modulo 2^32, like the original's, so the result is identical.
static inline __attribute__((always_inline)) void fletcher_block(const unsigned char *p, size_t n,
                                                                  uint32_t *sum1, uint32_t *sum2) {
    size_t groups = n / 8;
    uint32_t a[8] = {0}, b[8] = {0};
    for (size_t k = 0; k < groups; k++) {
        const unsigned char *q = p + 16 * k;
        for (int j = 0; j < 8; j++) {
            a[j] += ((uint32_t)q[2 * j] << 8) | q[2 * j + 1];
            b[j] += a[j];
        }
    }
    uint32_t s = 0, t = 0;
    for (int j = 0; j < 8; j++) {
        s += a[j];
        t += 8 * b[j] - (uint32_t)j * a[j];
    }
    *sum2 += (uint32_t)(8 * groups) * *sum1 + t;
    *sum1 += s;
    for (size_t i = 8 * groups; i < n; i++) {
        *sum1 += ((uint32_t)p[2 * i] << 8) | p[2 * i + 1];
        *sum2 += *sum1;
    }
}

// The whole checksum, optionally copying the data to `copy` on the way: each block of 360
// words is copied and then summed while it is in the L1 cache, so data and copy are each
// touched once.
static inline __attribute__((always_inline)) uint32_t fletcher32_impl(const unsigned char *p, size_t size,
                                                                      unsigned char *copy) {
    size_t words = size / 2;
    uint32_t sum1 = 0, sum2 = 0;
    // Reduce every 360 words, where the library does: the intermediate values, not only
    // their residues, must match for the final one to be bit-identical.
    while (words > 0) {
        size_t n = words > 360 ? 360 : words;
        if (copy) {
            memcpy(copy, p, 2 * n);
            fletcher_block(copy, n, &sum1, &sum2);
            copy += 2 * n;
        } else {
            fletcher_block(p, n, &sum1, &sum2);
        }
        p += 2 * n;
        words -= n;
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    if (size % 2) {
        if (copy) *copy = *p;
        sum1 += (uint32_t)*p << 8;
        sum2 += sum1;
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return (sum2 << 16) | sum1;
}

// On x86-64 Linux an AVX2 copy is picked at load time where the CPU has it (twice as fast).
#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define ZOO_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ZOO_VECTOR_CLONES
#endif

ZOO_VECTOR_CLONES
uint32_t zoo_fletcher32(const void *data, size_t size) {
    return fletcher32_impl((const unsigned char *)data, size, NULL);
}

ZOO_VECTOR_CLONES
uint32_t zoo_fletcher32_copy(void *destination, const void *source, size_t size) {
    return fletcher32_impl((const unsigned char *)source, size, (unsigned char *)destination);
}

// Bob Jenkins' lookup3 hash (hashlittle, byte-at-a-time), which HDF5 uses for metadata
// checksums.
#define ZOO_ROT(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

static uint32_t lookup3(const unsigned char *k, size_t length, uint32_t initval) {
    uint32_t a, b, c;
    a = b = c = 0xdeadbeef + (uint32_t)length + initval;
    while (length > 12) {
        a += k[0] + ((uint32_t)k[1] << 8) + ((uint32_t)k[2] << 16) + ((uint32_t)k[3] << 24);
        b += k[4] + ((uint32_t)k[5] << 8) + ((uint32_t)k[6] << 16) + ((uint32_t)k[7] << 24);
        c += k[8] + ((uint32_t)k[9] << 8) + ((uint32_t)k[10] << 16) + ((uint32_t)k[11] << 24);
        a -= c; a ^= ZOO_ROT(c, 4);  c += b;
        b -= a; b ^= ZOO_ROT(a, 6);  a += c;
        c -= b; c ^= ZOO_ROT(b, 8);  b += a;
        a -= c; a ^= ZOO_ROT(c, 16); c += b;
        b -= a; b ^= ZOO_ROT(a, 19); a += c;
        c -= b; c ^= ZOO_ROT(b, 4);  b += a;
        length -= 12;
        k += 12;
    }
    switch (length) {  // each case falls through to the next
    case 12: c += (uint32_t)k[11] << 24; /* fall through */
    case 11: c += (uint32_t)k[10] << 16; /* fall through */
    case 10: c += (uint32_t)k[9] << 8;   /* fall through */
    case 9: c += k[8];                   /* fall through */
    case 8: b += (uint32_t)k[7] << 24;   /* fall through */
    case 7: b += (uint32_t)k[6] << 16;   /* fall through */
    case 6: b += (uint32_t)k[5] << 8;    /* fall through */
    case 5: b += k[4];                   /* fall through */
    case 4: a += (uint32_t)k[3] << 24;   /* fall through */
    case 3: a += (uint32_t)k[2] << 16;   /* fall through */
    case 2: a += (uint32_t)k[1] << 8;    /* fall through */
    case 1: a += k[0]; break;
    case 0: return c;
    }
    c ^= b; c -= ZOO_ROT(b, 14);
    a ^= c; a -= ZOO_ROT(c, 11);
    b ^= a; b -= ZOO_ROT(a, 25);
    c ^= b; c -= ZOO_ROT(b, 16);
    a ^= c; a -= ZOO_ROT(c, 4);
    b ^= a; b -= ZOO_ROT(a, 14);
    c ^= b; c -= ZOO_ROT(b, 24);
    return c;
}

void zoo_h5_fix_image_superblock(unsigned char *image, size_t size) {
    static const unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    if (!image || size < 12 || memcmp(image, signature, 8) != 0) return;
    unsigned version = image[8];
    if (version != 2 && version != 3) return;
    // Signature, version, offset size, length size, flags, four addresses, then the checksum.
    size_t offset_size = image[9];
    size_t checksum_at = 12 + 4 * offset_size;
    if (checksum_at + 4 > size) return;
    uint32_t sum = lookup3(image, checksum_at, 0);
    for (int i = 0; i < 4; i++) image[checksum_at + i] = (unsigned char)(sum >> (8 * i));
}

size_t zoo_h5_image_length(const unsigned char *image, size_t size) {
    static const unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    if (!image || size < 12 || memcmp(image, signature, 8) != 0) return 0;
    if (image[8] != 2 && image[8] != 3) return 0;
    // Signature, version, offset size, length size, flags, base address, superblock extension
    // address, end-of-file address (little-endian, relative to the base, which is 0 here).
    size_t offset_size = image[9];
    size_t at = 12 + 2 * offset_size;
    if (offset_size < 1 || offset_size > 8 || at + offset_size > size) return 0;
    for (size_t i = 0; i < offset_size; i++) {
        if (image[12 + i] != 0) return 0;  // a base address other than 0
    }
    uint64_t end = 0;
    for (size_t i = 0; i < offset_size; i++) end |= (uint64_t)image[at + i] << (8 * i);
    return end <= size ? (size_t)end : 0;
}

// A growable buffer that the core driver builds an in-memory file in, through the file image
// callbacks, and that stays ours when the file closes. One buffer (up to 64 MiB) is kept for
// the next in-memory file, so a process that saves repeatedly neither page-faults a fresh
// buffer in nor grows one again.
struct zoo_h5_owned_image {
    unsigned char *buf;
    size_t capacity;
    int references;
    int closed;
};

#define ZOO_KEPT_IMAGE_MAX ((size_t)64 << 20)
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *kept_buf = NULL;
static size_t kept_capacity = 0;

static int owned_reserve(zoo_h5_owned_image *image, size_t size) {
    if (size <= image->capacity) return 1;
    size_t capacity = image->capacity > ((size_t)1 << 20) ? image->capacity : ((size_t)1 << 20);
    while (capacity < size) {
        if (capacity > SIZE_MAX / 2) return 0;
        capacity *= 2;
    }
    unsigned char *grown = (unsigned char *)realloc(image->buf, capacity);
    if (!grown) return 0;
    image->buf = grown;
    image->capacity = capacity;
    return 1;
}

static void *owned_malloc(size_t size, H5FD_file_image_op_t op, void *udata) {
    zoo_h5_owned_image *image = (zoo_h5_owned_image *)udata;
    (void)op;
    return owned_reserve(image, size) ? image->buf : NULL;
}

static void *owned_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)op, (void)udata;
    if (dest != src) memcpy(dest, src, size);
    return dest;
}

static void *owned_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata) {
    zoo_h5_owned_image *image = (zoo_h5_owned_image *)udata;
    (void)op;
    if (ptr && ptr != image->buf) return NULL;
    return owned_reserve(image, size) ? image->buf : NULL;
}

static herr_t owned_free(void *ptr, H5FD_file_image_op_t op, void *udata) {
    zoo_h5_owned_image *image = (zoo_h5_owned_image *)udata;
    // The driver lets go of the file's memory: keep it, it is the result.
    if (ptr == image->buf && op == H5FD_FILE_IMAGE_OP_FILE_CLOSE) image->closed = 1;
    return 0;
}

static void *owned_udata_copy(void *udata) {
    ((zoo_h5_owned_image *)udata)->references++;
    return udata;
}

static herr_t owned_udata_free(void *udata) {
    zoo_h5_owned_image *image = (zoo_h5_owned_image *)udata;
    if (--image->references > 0) return 0;
    if (image->buf && image->capacity <= ZOO_KEPT_IMAGE_MAX) {
        pthread_mutex_lock(&kept_lock);
        unsigned char *previous = kept_buf;
        if (!previous || kept_capacity < image->capacity) {
            kept_buf = image->buf;
            kept_capacity = image->capacity;
            image->buf = previous;  // freed below instead
        }
        pthread_mutex_unlock(&kept_lock);
    }
    free(image->buf);
    free(image);
    return 0;
}

zoo_h5_owned_image *zoo_h5p_set_owned_image(hid_t fapl, size_t reserve) {
    zoo_h5_owned_image *image = (zoo_h5_owned_image *)calloc(1, sizeof *image);
    if (!image) return NULL;
    image->references = 1;  // the caller's
    pthread_mutex_lock(&kept_lock);
    image->buf = kept_buf;
    image->capacity = kept_capacity;
    kept_buf = NULL;
    kept_capacity = 0;
    pthread_mutex_unlock(&kept_lock);
    H5FD_file_image_callbacks_t callbacks = {
        owned_malloc, owned_memcpy, owned_realloc, owned_free, owned_udata_copy, owned_udata_free, image,
    };
    if ((reserve > 0 && !owned_reserve(image, reserve)) || H5Pset_file_image_callbacks(fapl, &callbacks) < 0) {
        owned_udata_free(image);
        return NULL;
    }
    return image;
}

const unsigned char *zoo_h5_owned_image_bytes(const zoo_h5_owned_image *image, size_t *length) {
    if (!image || !image->closed || !image->buf) return NULL;
    size_t size = zoo_h5_image_length(image->buf, image->capacity);
    if (size == 0) return NULL;
    *length = size;
    return image->buf;
}

void zoo_h5_owned_image_release(zoo_h5_owned_image *image) {
    if (image) owned_udata_free(image);
}
