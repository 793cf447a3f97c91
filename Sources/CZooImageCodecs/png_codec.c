// PNG through libpng, from and to memory. See zoo_image_codecs.h for the contract.

#include "zoo_image_codecs.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// What libpng's callbacks need: the error text's destination, the bytes being read, and the
// buffer being written.
typedef struct {
    char *message;
    size_t message_size;
    const uint8_t *input;
    size_t input_size;
    size_t input_offset;
    uint8_t *output;
    size_t output_size;
    size_t output_capacity;
} png_session;

static void png_session_fail(png_structp png, png_const_charp text) {
    png_session *session = (png_session *)png_get_error_ptr(png);
    if (session->message_size > 0) snprintf(session->message, session->message_size, "%s", text);
    png_longjmp(png, 1);
}

// Warnings concern ancillary chunks (a bad iCCP profile, a damaged tEXt) that libpng skips;
// the pixels are intact, so they are neither errors nor worth printing.
static void png_session_warn(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void png_session_read(png_structp png, png_bytep out, size_t length) {
    png_session *session = (png_session *)png_get_io_ptr(png);
    if (length > session->input_size - session->input_offset) {
        png_error(png, "truncated: the file ends before the image does");
    }
    memcpy(out, session->input + session->input_offset, length);
    session->input_offset += length;
}

static void png_session_write(png_structp png, png_bytep bytes, size_t length) {
    png_session *session = (png_session *)png_get_io_ptr(png);
    if (length > session->output_capacity - session->output_size) {
        size_t capacity = session->output_capacity > 0 ? session->output_capacity : 4096;
        while (length > capacity - session->output_size) {
            if (capacity > SIZE_MAX / 2) png_error(png, "encoded image too large");
            capacity *= 2;
        }
        uint8_t *grown = realloc(session->output, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        session->output = grown;
        session->output_capacity = capacity;
    }
    memcpy(session->output + session->output_size, bytes, length);
    session->output_size += length;
}

static void png_session_flush(png_structp png) { (void)png; }

static void set_message(char *message, size_t message_size, const char *text) {
    if (message_size > 0) snprintf(message, message_size, "%s", text);
}

// libpng drops an ancillary chunk whose CRC is wrong and goes on; but such a chunk can be
// tRNS, whose loss changes the pixels, and a damaged file is damaged. Every CRC error fails.
static void png_refuse_damage(png_structp png) {
    png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
}

static const char *png_color_name(int color_type) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return "gray";
    case PNG_COLOR_TYPE_GRAY_ALPHA: return "gray+alpha";
    case PNG_COLOR_TYPE_RGB: return "RGB";
    case PNG_COLOR_TYPE_RGB_ALPHA: return "RGBA";
    case PNG_COLOR_TYPE_PALETTE: return "palette";
    default: return "unknown color type";
    }
}

// After png_read_info: asks libpng for 8-bit gray, gray+alpha, RGB or RGBA whatever the file
// holds, and records what that gives. Runs inside the caller's setjmp.
static void png_plan_decoding(png_structp png, png_infop info, zoo_image_info *plan) {
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    int interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    snprintf(plan->description, sizeof plan->description, "%d-bit %s%s", bit_depth, png_color_name(color_type),
             interlaced ? ", interlaced" : "");
    if (bit_depth == 16) png_set_scale_16(png);  // rounds, where strip_16 would truncate
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int bytes_per_pixel = png_get_channels(png, info);
    if (png_get_bit_depth(png, info) != 8 || bytes_per_pixel < 1 || bytes_per_pixel > 4
        || png_get_rowbytes(png, info) != (size_t)png_get_image_width(png, info) * (size_t)bytes_per_pixel) {
        png_error(png, "libpng could not convert the pixels to 8 bits");
    }
    plan->width = png_get_image_width(png, info);
    plan->height = png_get_image_height(png, info);
    plan->decode_bytes_per_pixel = bytes_per_pixel;
    plan->channels = bytes_per_pixel >= 3 ? 3 : 1;
}

int zoo_png_info(const uint8_t *data, size_t size, zoo_image_info *info_out, char *message, size_t message_size) {
    png_session session = {message, message_size, data, size, 0, NULL, 0, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &session, png_session_fail, png_session_warn);
    if (png == NULL) {
        set_message(message, message_size, "libpng could not start (out of memory?)");
        return ZOO_CODEC_ERROR;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        set_message(message, message_size, "libpng could not start (out of memory?)");
        return ZOO_CODEC_ERROR;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return ZOO_CODEC_ERROR;
    }
    png_set_read_fn(png, &session, png_session_read);
    png_refuse_damage(png);
    png_read_info(png, info);
    png_plan_decoding(png, info, info_out);
    png_destroy_read_struct(&png, &info, NULL);
    return ZOO_CODEC_OK;
}

// Composites `count` pixels of gray+alpha (2 bytes) or RGBA (4) over black, in place, into
// gray (1) or RGB (3): each color sample becomes round(sample * alpha / 255). The output of
// a pixel never lies past its input, so one forward pass suffices.
static void composite_over_black(uint8_t *pixels, size_t count, int bytes_per_pixel) {
    int colors = bytes_per_pixel - 1;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *source = pixels + i * (size_t)bytes_per_pixel;
        uint8_t *target = pixels + i * (size_t)colors;
        unsigned alpha = source[colors];
        for (int c = 0; c < colors; c++) target[c] = (uint8_t)((source[c] * alpha + 127) / 255);
    }
}

int zoo_png_decode(const uint8_t *data, size_t size, const zoo_image_info *expected,
                   uint8_t *pixels, size_t pixels_size, char *message, size_t message_size) {
    png_session session = {message, message_size, data, size, 0, NULL, 0, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &session, png_session_fail, png_session_warn);
    if (png == NULL) {
        set_message(message, message_size, "libpng could not start (out of memory?)");
        return ZOO_CODEC_ERROR;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        set_message(message, message_size, "libpng could not start (out of memory?)");
        return ZOO_CODEC_ERROR;
    }
    png_bytep *volatile rows = NULL;  // set after setjmp, freed on both paths
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return ZOO_CODEC_ERROR;
    }
    png_set_read_fn(png, &session, png_session_read);
    png_refuse_damage(png);
    png_read_info(png, info);
    zoo_image_info plan;
    png_plan_decoding(png, info, &plan);
    size_t stride = (size_t)plan.width * (size_t)plan.decode_bytes_per_pixel;
    if (plan.width != expected->width || plan.height != expected->height
        || plan.decode_bytes_per_pixel != expected->decode_bytes_per_pixel || stride * plan.height > pixels_size) {
        png_error(png, "the header differs from the one read before");
    }
    rows = malloc(sizeof(png_bytep) * plan.height);
    if (rows == NULL) png_error(png, "out of memory");
    for (uint32_t y = 0; y < plan.height; y++) rows[y] = pixels + y * stride;
    png_read_image(png, rows);
    png_read_end(png, NULL);  // reads up to IEND, so a file cut after its pixels is caught too
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    if (plan.decode_bytes_per_pixel == 2 || plan.decode_bytes_per_pixel == 4) {
        composite_over_black(pixels, (size_t)plan.width * plan.height, plan.decode_bytes_per_pixel);
    }
    return ZOO_CODEC_OK;
}

static int png_samples_per_pixel(int color_type) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return 1;  // gray, palette
    }
}

int zoo_png_encode(const uint8_t *samples, uint32_t width, uint32_t height, const zoo_png_layout *layout,
                   uint8_t **out, size_t *out_size, char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    png_session session = {message, message_size, NULL, 0, 0, NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &session, png_session_fail, png_session_warn);
    if (png == NULL) {
        set_message(message, message_size, "libpng could not start (out of memory?)");
        return ZOO_CODEC_ERROR;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        set_message(message, message_size, "libpng could not start (out of memory?)");
        return ZOO_CODEC_ERROR;
    }
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(session.output);
        png_destroy_write_struct(&png, &info);
        return ZOO_CODEC_ERROR;
    }
    png_set_write_fn(png, &session, png_session_write, png_session_flush);
    png_set_IHDR(png, info, width, height, layout->bit_depth, layout->color_type,
                 layout->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (layout->color_type == PNG_COLOR_TYPE_PALETTE) {
        png_color palette[PNG_MAX_PALETTE_LENGTH];
        int count = layout->palette_count;
        if (count < 1 || count > PNG_MAX_PALETTE_LENGTH || layout->palette == NULL) png_error(png, "bad palette");
        for (int i = 0; i < count; i++) {
            palette[i].red = layout->palette[3 * i];
            palette[i].green = layout->palette[3 * i + 1];
            palette[i].blue = layout->palette[3 * i + 2];
        }
        png_set_PLTE(png, info, palette, count);
        if (layout->transparency_count > 0) {
            png_set_tRNS(png, info, layout->transparency, layout->transparency_count, NULL);
        }
    }
    png_set_compression_level(png, layout->compression_level);
    png_write_info(png, info);
    size_t stride = ((size_t)width * (size_t)png_samples_per_pixel(layout->color_type) * (size_t)layout->bit_depth + 7) / 8;
    rows = malloc(sizeof(png_bytep) * height);
    if (rows == NULL) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(samples + y * stride);
    png_write_image(png, rows);  // handles the Adam7 passes itself
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    *out = session.output;
    *out_size = session.output_size;
    return ZOO_CODEC_OK;
}

void zoo_codec_free(void *buffer) { free(buffer); }
