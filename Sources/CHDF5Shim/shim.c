#include "zoo_hdf5_shim.h"

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
unsigned zoo_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
unsigned zoo_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
unsigned zoo_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
H5F_libver_t zoo_h5f_libver_latest(void) { return H5F_LIBVER_LATEST; }

hid_t zoo_h5p_default(void) { return H5P_DEFAULT; }
hid_t zoo_h5s_all(void) { return H5S_ALL; }
hid_t zoo_h5e_default(void) { return H5E_DEFAULT; }

hid_t zoo_h5p_file_access(void) { return H5P_FILE_ACCESS; }
hid_t zoo_h5p_file_create(void) { return H5P_FILE_CREATE; }
hid_t zoo_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
hid_t zoo_h5p_dataset_xfer(void) { return H5P_DATASET_XFER; }
hid_t zoo_h5p_group_create(void) { return H5P_GROUP_CREATE; }
hid_t zoo_h5p_link_create(void) { return H5P_LINK_CREATE; }
hid_t zoo_h5p_attribute_create(void) { return H5P_ATTRIBUTE_CREATE; }

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
