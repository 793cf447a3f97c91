#if canImport(Glibc)
import Glibc
#endif

/// A JPEG's frame size, found by walking its segment headers through the file, a few bytes
/// per segment: metadata before the frame header (EXIF thumbnails, ICC profiles, hundreds of
/// KiB at times) is skipped, not read, so a file declaring a giant frame behind it is still
/// refused before the rest of the file is read.
enum JPEGSegments {
    /// Start-of-frame markers (SOF0-3, 5-7, 9-11, 13-15); C4, C8 and CC are other segments.
    private static let frameMarkers: Set<UInt8> = [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF]

    /// The width and height of the first frame header; nil when the walk meets anything else
    /// first (the image data, the end, bytes that are not a segment), which the decoder then
    /// reports as usual.
    static func frameSize(path: String, maximumSegments: Int = 1 << 16) -> (width: Int, height: Int)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        func bytes(at offset: Int, _ count: Int) -> [UInt8]? {
            var buffer = [UInt8](repeating: 0, count: count)
            return pread(fd, &buffer, count, off_t(offset)) == count ? buffer : nil
        }
        guard bytes(at: 0, 2) == [0xFF, 0xD8] else { return nil }
        var offset = 2
        for _ in 0..<maximumSegments {
            guard let header = bytes(at: offset, 4), header[0] == 0xFF else { return nil }
            let marker = header[1]
            switch marker {
            case 0xFF: offset += 1  // fill byte before a marker
            case 0x01, 0xD0...0xD7: offset += 2  // markers without a length
            case 0xD8, 0xD9, 0xDA: return nil  // another image, the end, or the scan: no frame header before
            default:
                let length = Int(header[2]) << 8 | Int(header[3])
                guard length >= 2 else { return nil }
                if frameMarkers.contains(marker) {
                    // After the length: sample precision, then height and width, big-endian.
                    guard length >= 7, let frame = bytes(at: offset + 4, 5) else { return nil }
                    let height = Int(frame[1]) << 8 | Int(frame[2]), width = Int(frame[3]) << 8 | Int(frame[4])
                    return height > 0 && width > 0 ? (width, height) : nil
                }
                offset += 2 + length
            }
        }
        return nil
    }
}
