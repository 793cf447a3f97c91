// PNG and JPEG through libpng and libjpeg-turbo, for ZooImages.
//
// Both libraries report errors by longjmp from inside their own calls, and a longjmp must not
// cross Swift frames (Swift cannot call setjmp, and jumping over its frames skips cleanups).
// So every libpng or libjpeg call happens here, in C, between a setjmp and the return, and
// each function ends in a status and, on failure, a one-line message in `message`.
//
// Decoding is two calls: `*_info` reads the header only, so the caller can check the size
// and allocate exactly once; `*_decode` then decodes into the caller's buffer. Pixels come
// out as 8-bit samples, rows top to bottom, 1 (gray) or 3 (RGB) channels.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { ZOO_CODEC_OK = 0, ZOO_CODEC_ERROR = 1 };

/// What a header says about an image and what decoding it needs.
typedef struct {
    uint32_t width;
    uint32_t height;
    /// Channels of the decoded image: 1 (gray) or 3 (RGB).
    int channels;
    /// Bytes per pixel the decode buffer needs while decoding: `channels`, or more while an
    /// alpha channel (composited over black) or a CMYK JPEG (converted to RGB) is still there.
    int decode_bytes_per_pixel;
    /// What the file holds, for messages: "8-bit RGBA", "palette", "CMYK", ...
    char description[48];
} zoo_image_info;

/// Reads a PNG header (through the first IDAT) and the transforms decoding will apply.
int zoo_png_info(const uint8_t *data, size_t size, zoo_image_info *info, char *message, size_t message_size);

/// Decodes a PNG into `pixels`, which holds width * height * decode_bytes_per_pixel bytes for
/// the `info` that `zoo_png_info` returned for the same bytes. Any bit depth, palette, gray,
/// gray+alpha, RGB, RGBA, interlaced or not; 16-bit samples are scaled (rounded) to 8 bits,
/// alpha (and tRNS transparency) is composited over black. The first width * height *
/// channels bytes hold the result. A wrong CRC in any chunk, ancillary ones included, fails.
int zoo_png_decode(const uint8_t *data, size_t size, const zoo_image_info *info,
                   uint8_t *pixels, size_t pixels_size, char *message, size_t message_size);

/// How `zoo_png_encode` lays the samples out; any valid PNG combination.
typedef struct {
    int color_type;   // PNG_COLOR_TYPE_*: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA
    int bit_depth;    // 1, 2, 4, 8 or 16 (16-bit samples big-endian, as PNG stores them)
    int interlaced;   // Adam7 when nonzero
    int compression_level;  // zlib level 0-9
    const uint8_t *palette;  // palette_count RGB triples, for color type 3
    int palette_count;
    const uint8_t *transparency;  // tRNS: alpha per palette entry (color type 3)
    int transparency_count;
} zoo_png_layout;

/// Encodes rows of already-packed samples (each row ceil(width * bits per pixel / 8) bytes)
/// into a PNG in memory: *out is malloc'd, free it with zoo_codec_free. No time stamp or
/// other varying chunk is written, so the same pixels give the same bytes.
int zoo_png_encode(const uint8_t *samples, uint32_t width, uint32_t height, const zoo_png_layout *layout,
                   uint8_t **out, size_t *out_size, char *message, size_t message_size);

/// Reads a JPEG header. Gray JPEGs decode to 1 channel; YCbCr, RGB, CMYK and YCCK to 3.
int zoo_jpeg_info(const uint8_t *data, size_t size, zoo_image_info *info, char *message, size_t message_size);

/// Decodes a JPEG, as zoo_png_decode does a PNG. Every libjpeg warning (premature end of
/// data, corrupt data, extraneous bytes) is an error: the pixels it would leave are not the
/// file's. CMYK is converted to RGB (Adobe's inverted CMYK recognised by its marker).
int zoo_jpeg_decode(const uint8_t *data, size_t size, const zoo_image_info *info,
                    uint8_t *pixels, size_t pixels_size, char *message, size_t message_size);

/// Encodes 8-bit gray (channels 1), RGB (3) or CMYK (4, stored as given with an Adobe
/// marker, so read as inverted) pixels as a baseline JPEG of `quality` 1-100.
int zoo_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, int quality,
                    uint8_t **out, size_t *out_size, char *message, size_t message_size);

/// Frees a buffer returned by an encoder.
void zoo_codec_free(void *buffer);

#ifdef __cplusplus
}
#endif
