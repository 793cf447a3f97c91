// A thin C shim over libhdf5 for the Swift layer (ZooHDF5).
//
// HDF5 spells most of its constants as macros: H5F_ACC_TRUNC is `(H5CHECK H5OPEN 0x0002u)`,
// H5T_NATIVE_FLOAT is `(H5OPEN H5T_NATIVE_FLOAT_g)`, a global that is only valid after
// H5open(). Swift cannot import such macros, so each one is wrapped in a function here.
// The error-stack helpers live here too because H5Ewalk2 needs a C callback and the
// error classes (H5E_TRUNCATED, ...) are macros as well.
#pragma once

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Initialises the library once per process and turns off HDF5's automatic printing of the
/// error stack to stderr for the calling thread. HDF5 keeps that setting per thread in
/// thread-safe builds (Debian's is one), so call it before HDF5 calls on every thread;
/// after the first call on a thread it costs one thread-local read.
void zoo_h5_prepare(void);

// File access flags for H5Fcreate / H5Fopen.
unsigned zoo_h5f_acc_trunc(void);
unsigned zoo_h5f_acc_rdonly(void);
unsigned zoo_h5f_acc_rdwr(void);
/// H5F_LIBVER_LATEST is an alias macro whose value changes between library versions.
H5F_libver_t zoo_h5f_libver_latest(void);

// Special identifiers.
hid_t zoo_h5p_default(void);
hid_t zoo_h5s_all(void);

// Property list classes for H5Pcreate.
hid_t zoo_h5p_file_access(void);
hid_t zoo_h5p_file_create(void);
hid_t zoo_h5p_dataset_create(void);
hid_t zoo_h5p_group_create(void);

// Memory (native) types.
hid_t zoo_h5t_native_float(void);
hid_t zoo_h5t_native_double(void);
hid_t zoo_h5t_native_int32(void);
hid_t zoo_h5t_native_int64(void);
hid_t zoo_h5t_native_uint8(void);
hid_t zoo_h5t_native_uint64(void);

// File types: fixed little-endian, so a checkpoint's bytes do not depend on the writer.
hid_t zoo_h5t_ieee_f32le(void);
hid_t zoo_h5t_ieee_f64le(void);
hid_t zoo_h5t_std_i32le(void);
hid_t zoo_h5t_std_i64le(void);
hid_t zoo_h5t_std_u8le(void);
hid_t zoo_h5t_std_u64le(void);

/// The C string base type, to copy and turn into a (variable-length) UTF-8 string type.
hid_t zoo_h5t_c_s1(void);
/// H5T_VARIABLE: the size that makes a string type variable-length.
size_t zoo_h5t_variable(void);

/// The sec2 (POSIX) file driver, HDF5's default for files on disk.
hid_t zoo_h5fd_sec2(void);
/// HADDR_UNDEF: an undefined file address.
haddr_t zoo_haddr_undef(void);

// Filter identifiers.
H5Z_filter_t zoo_h5z_filter_fletcher32(void);
H5Z_filter_t zoo_h5z_filter_deflate(void);

/// What went wrong, as far as the library's error stack tells. The Swift layer maps these to
/// its own error kinds and messages.
typedef enum zoo_h5_error_kind {
    ZOO_H5_ERR_NONE = 0,              ///< the error stack is empty
    ZOO_H5_ERR_OTHER = 1,             ///< anything not listed below
    ZOO_H5_ERR_DATA_CHECKSUM = 2,     ///< a chunk's Fletcher-32 checksum did not match
    ZOO_H5_ERR_METADATA_CHECKSUM = 3, ///< a metadata block's checksum did not match
    ZOO_H5_ERR_TRUNCATED = 4,         ///< the file is shorter than its superblock says
    ZOO_H5_ERR_NOT_HDF5 = 5,          ///< no HDF5 signature was found
    ZOO_H5_ERR_NOT_FOUND = 6,         ///< an object or attribute does not exist
    ZOO_H5_ERR_EXISTS = 7,            ///< an object or attribute already exists
    ZOO_H5_ERR_CANT_OPEN_FILE = 8,    ///< the operating system refused to open the file
} zoo_h5_error_kind;

/// Reads the calling thread's error stack (the one left by the last failed HDF5 call),
/// classifies it, copies the innermost (most specific) message into `buf` (NUL-terminated,
/// truncated to `buf_len`), and clears the stack. `buf` may be NULL when `buf_len` is 0.
zoo_h5_error_kind zoo_h5_take_error(char *buf, size_t buf_len);

/// Makes `fapl` (which must use the core driver) open the file image at `buf` in place, for
/// reading only: H5Pset_file_image alone copies the image into the property list, again into
/// every copy of the list, and again into the driver. `buf` must stay valid and unchanged
/// until every file opened with `fapl` (or a copy of it) is closed, and those files must be
/// opened read-only.
herr_t zoo_h5p_set_file_image_in_place(hid_t fapl, void *buf, size_t size);

/// HDF5's Fletcher-32 checksum, bit for bit the value its filter stores after a chunk
/// (little-endian), computed about four times faster than libhdf5's own byte-at-a-time loop.
/// ZooHDF5 uses it to write and verify single-chunk datasets with H5Dwrite_chunk and
/// H5Dread_chunk, bypassing the filter pipeline and its extra copies.
uint32_t zoo_fletcher32(const void *data, size_t size);

/// `zoo_fletcher32(source, size)`, copying the data to `destination` in the same pass (the
/// two must not overlap).
uint32_t zoo_fletcher32_copy(void *destination, const void *source, size_t size);

/// The length of the file whose image starts at `image`: the end-of-file address of its
/// version 2 or 3 superblock. 0 if there is no such superblock, its base address is not 0, or
/// the length exceeds `size`.
size_t zoo_h5_image_length(const unsigned char *image, size_t size);

/// A buffer the core driver builds an in-memory file in and leaves to us when the file closes,
/// so that its bytes can be written out without a copy (H5Fget_file_image copies them).
typedef struct zoo_h5_owned_image zoo_h5_owned_image;

/// Makes `fapl` (which must use the core driver, without an image) build files in a buffer
/// owned by the returned object, with room for `reserve` bytes to begin with. A buffer kept
/// from an earlier file is reused. The caller holds one reference (the property list and the
/// file hold their own) and drops it with zoo_h5_owned_image_release. NULL on failure.
zoo_h5_owned_image *zoo_h5p_set_owned_image(hid_t fapl, size_t reserve);

/// Once the file built in `image` is closed (really closed: no object of it still open), its
/// bytes and, in `length`, their count; else NULL. Valid until the image is released.
const unsigned char *zoo_h5_owned_image_bytes(const zoo_h5_owned_image *image, size_t *length);

/// Drops the caller's reference. When the last goes, the buffer is kept for the next file
/// (up to 64 MiB; one buffer) or freed.
void zoo_h5_owned_image_release(zoo_h5_owned_image *image);

/// H5F_OBJ_ALL | H5F_OBJ_LOCAL, for H5Fget_obj_count.
unsigned zoo_h5f_obj_all_local(void);

/// Repairs the superblock checksum in an image returned by H5Fget_file_image for a file that
/// is open for writing. libhdf5 1.10 clears the superblock's "file is open" flags in such an
/// image but leaves the checksum computed with them set, so the image would not open again.
/// Recomputing it is harmless where the library already got it right. Does nothing unless
/// `image` starts with a version 2 or 3 superblock.
void zoo_h5_fix_image_superblock(unsigned char *image, size_t size);

#ifdef __cplusplus
}
#endif
