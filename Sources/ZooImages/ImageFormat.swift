// Which format a file is in, from its first bytes: file names lie (a .png that is a JPEG,
// a .jpg that is an HTML error page), magic numbers do not.

import ZooFiles

public enum ImageFormat: String, Sendable, CaseIterable {
    case png = "PNG"
    case jpeg = "JPEG"

    /// The bytes a file must start with to be sniffed: enough for every signature below.
    public static let sniffLength = 12

    /// The format `bytes` (a whole file or its first `sniffLength` bytes) is in, if one we decode.
    public static func sniff(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        let head = Array(bytes.prefix(sniffLength))
        if head.starts(with: PNG.signature) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }  // SOI, then the first marker
        return nil
    }

    /// What an undecodable file seems to be, for the message that refuses it: "a GIF image"
    /// (a format we do not read) or "data starting with 3c 21 44 4f" (anything else).
    public static func describe(_ bytes: some Collection<UInt8>) -> String {
        let head = Array(bytes.prefix(sniffLength))
        let known: [(String, [UInt8?])] = [
            ("GIF", Array("GIF8".utf8)), ("BMP", Array("BM".utf8)), ("TIFF", [0x49, 0x49, 0x2A, 0x00]),
            ("TIFF", [0x4D, 0x4D, 0x00, 0x2A]), ("WebP", Array("RIFF".utf8) + [nil, nil, nil, nil] + Array("WEBP".utf8)),
        ]
        for (name, signature) in known where head.count >= signature.count
            && zip(head, signature).allSatisfy({ $1 == nil || $0 == $1 }) {
            return "a \(name) image"
        }
        return "data starting with " + head.prefix(4).map(hex2).joined(separator: " ")
    }
}
