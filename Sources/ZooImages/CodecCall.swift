// Calling the C codecs (CZooImageCodecs): each reports a status and, on failure, a one-line
// message in a buffer we provide. The libraries' own longjmp-based error handling stays in C.

import CZooImageCodecs

enum CodecCall {
    /// Runs `body` with a message buffer; nil when it succeeded, else the library's message.
    static func run(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        if status == Int32(ZOO_CODEC_OK) { return nil }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "unknown error" : text
    }

    /// Takes over a buffer an encoder malloc'd: copies it into an array and frees it.
    static func adopt(_ pointer: UnsafeMutablePointer<UInt8>?, count: Int) -> [UInt8] {
        defer { zoo_codec_free(pointer) }
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }
}
