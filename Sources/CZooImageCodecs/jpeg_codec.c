// JPEG through libjpeg-turbo, from and to memory. See zoo_image_codecs.h for the contract.

#include "zoo_image_codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

// libjpeg's error manager, extended with where to jump and where to put the text. `base`
// comes first so that the library's `cinfo->err` can be cast back to this.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
    size_t message_size;
} jpeg_failure;

static void jpeg_fail(j_common_ptr cinfo) {
    jpeg_failure *failure = (jpeg_failure *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    if (failure->message_size > 0) snprintf(failure->message, failure->message_size, "%s", text);
    longjmp(failure->jump, 1);
}

// libjpeg reports damage it can paper over (premature end of data, corrupt entropy data,
// extraneous bytes) as warnings (level -1) and goes on with invented pixels. Those pixels
// are not the file's, so a warning fails the decode like an error; trace messages
// (level >= 0) are dropped.
static void jpeg_message(j_common_ptr cinfo, int level) {
    if (level < 0) jpeg_fail(cinfo);
}

static void jpeg_print_nothing(j_common_ptr cinfo) { (void)cinfo; }

static void jpeg_failure_install(jpeg_failure *failure, char *message, size_t message_size) {
    jpeg_std_error(&failure->base);
    failure->base.error_exit = jpeg_fail;
    failure->base.emit_message = jpeg_message;
    failure->base.output_message = jpeg_print_nothing;
    failure->message = message;
    failure->message_size = message_size;
}

// Picks the output color space for what the file holds and records what decoding gives.
static void jpeg_plan_decoding(struct jpeg_decompress_struct *cinfo, zoo_image_info *plan) {
    const char *name;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        plan->channels = 1;
        plan->decode_bytes_per_pixel = 1;
        name = "gray";
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        // libjpeg turns YCCK into CMYK but not CMYK into RGB; that last step is ours.
        cinfo->out_color_space = JCS_CMYK;
        plan->channels = 3;
        plan->decode_bytes_per_pixel = 4;
        name = cinfo->jpeg_color_space == JCS_CMYK ? "CMYK" : "YCCK";
        break;
    default:
        cinfo->out_color_space = JCS_RGB;
        plan->channels = 3;
        plan->decode_bytes_per_pixel = 3;
        name = cinfo->jpeg_color_space == JCS_RGB ? "RGB" : "YCbCr";
        break;
    }
    plan->width = cinfo->image_width;
    plan->height = cinfo->image_height;
    snprintf(plan->description, sizeof plan->description, "%s%s JPEG", cinfo->progressive_mode ? "progressive " : "", name);
}

int zoo_jpeg_info(const uint8_t *data, size_t size, zoo_image_info *info, char *message, size_t message_size) {
    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    jpeg_failure_install(&failure, message, message_size);
    cinfo.err = &failure.base;
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return ZOO_CODEC_ERROR;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    (void)jpeg_read_header(&cinfo, TRUE);
    jpeg_plan_decoding(&cinfo, info);
    jpeg_destroy_decompress(&cinfo);
    return ZOO_CODEC_OK;
}

// CMYK (4 bytes) to RGB (3), in place, as the inks would print on white: R = (1 - C)(1 - K).
// Adobe's encoders store the samples inverted (255 = no ink) and mark the file as theirs.
static void cmyk_to_rgb(uint8_t *pixels, size_t count, int inverted) {
    for (size_t i = 0; i < count; i++) {
        const uint8_t *cmyk = pixels + 4 * i;
        unsigned k = inverted ? cmyk[3] : 255u - cmyk[3];
        uint8_t rgb[3];
        for (int c = 0; c < 3; c++) {
            unsigned ink = inverted ? cmyk[c] : 255u - cmyk[c];
            rgb[c] = (uint8_t)((ink * k + 127) / 255);
        }
        memcpy(pixels + 3 * i, rgb, 3);  // never past pixel i's own input
    }
}

int zoo_jpeg_decode(const uint8_t *data, size_t size, const zoo_image_info *expected,
                    uint8_t *pixels, size_t pixels_size, char *message, size_t message_size) {
    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    jpeg_failure_install(&failure, message, message_size);
    cinfo.err = &failure.base;
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return ZOO_CODEC_ERROR;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    (void)jpeg_read_header(&cinfo, TRUE);
    zoo_image_info plan;
    jpeg_plan_decoding(&cinfo, &plan);
    size_t stride = (size_t)plan.width * (size_t)plan.decode_bytes_per_pixel;
    if (plan.width != expected->width || plan.height != expected->height
        || plan.decode_bytes_per_pixel != expected->decode_bytes_per_pixel || stride * plan.height > pixels_size) {
        snprintf(message, message_size, "the header differs from the one read before");
        jpeg_destroy_decompress(&cinfo);
        return ZOO_CODEC_ERROR;
    }
    (void)jpeg_start_decompress(&cinfo);
    if (cinfo.output_width != plan.width || cinfo.output_height != plan.height
        || cinfo.output_components != plan.decode_bytes_per_pixel) {
        snprintf(message, message_size, "libjpeg decodes to %ux%u with %d components, expected %ux%u with %d",
                 cinfo.output_width, cinfo.output_height, cinfo.output_components,
                 plan.width, plan.height, plan.decode_bytes_per_pixel);
        jpeg_destroy_decompress(&cinfo);
        return ZOO_CODEC_ERROR;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * stride;
        (void)jpeg_read_scanlines(&cinfo, &row, 1);
    }
    (void)jpeg_finish_decompress(&cinfo);  // reads to EOI: a cut after the last scan fails too
    int inverted = cinfo.saw_Adobe_marker;
    jpeg_destroy_decompress(&cinfo);
    if (plan.decode_bytes_per_pixel == 4) cmyk_to_rgb(pixels, (size_t)plan.width * plan.height, inverted);
    return ZOO_CODEC_OK;
}

// A destination manager that grows a malloc'd buffer, so that a failed encode can free
// exactly what it allocated (libjpeg's own jpeg_mem_dest keeps its latest buffer private).
typedef struct {
    struct jpeg_destination_mgr base;
    uint8_t *buffer;
    size_t capacity;
    size_t size;  // final size, set when the encode finishes
} jpeg_sink;

static void jpeg_sink_start(j_compress_ptr cinfo) {
    jpeg_sink *sink = (jpeg_sink *)cinfo->dest;
    sink->capacity = 65536;
    sink->buffer = malloc(sink->capacity);
    if (sink->buffer == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
    sink->base.next_output_byte = sink->buffer;
    sink->base.free_in_buffer = sink->capacity;
}

static boolean jpeg_sink_grow(j_compress_ptr cinfo) {
    // Called when the buffer is full (free_in_buffer == 0).
    jpeg_sink *sink = (jpeg_sink *)cinfo->dest;
    uint8_t *grown = realloc(sink->buffer, sink->capacity * 2);
    if (grown == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 1);
    sink->buffer = grown;
    sink->base.next_output_byte = grown + sink->capacity;
    sink->base.free_in_buffer = sink->capacity;
    sink->capacity *= 2;
    return TRUE;
}

static void jpeg_sink_finish(j_compress_ptr cinfo) {
    jpeg_sink *sink = (jpeg_sink *)cinfo->dest;
    sink->size = sink->capacity - sink->base.free_in_buffer;
}

int zoo_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, int quality,
                    uint8_t **out, size_t *out_size, char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    if (channels != 1 && channels != 3 && channels != 4) {
        snprintf(message, message_size, "JPEG images have 1, 3 or 4 (CMYK) channels, not %d", channels);
        return ZOO_CODEC_ERROR;
    }
    struct jpeg_compress_struct cinfo;
    jpeg_failure failure;
    jpeg_sink sink;
    memset(&sink, 0, sizeof sink);
    jpeg_failure_install(&failure, message, message_size);
    cinfo.err = &failure.base;
    if (setjmp(failure.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(sink.buffer);
        return ZOO_CODEC_ERROR;
    }
    jpeg_create_compress(&cinfo);
    sink.base.init_destination = jpeg_sink_start;
    sink.base.empty_output_buffer = jpeg_sink_grow;
    sink.base.term_destination = jpeg_sink_finish;
    cinfo.dest = &sink.base;
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : channels == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * stride);
        (void)jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = sink.buffer;
    *out_size = sink.size;
    return ZOO_CODEC_OK;
}
