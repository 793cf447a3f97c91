// The system libraries behind the codecs. Importing their modules here also links them
// (their module maps name the libraries); the C shim alone would not.

import CJPEG
import CPNG

public enum CodecLibraries {
    /// "libpng 1.6.39, libjpeg 62", for diagnostics.
    public static var versions: String {
        "libpng \(String(cString: png_get_libpng_ver(nil))), libjpeg \(JPEG_LIB_VERSION)"
    }
}
