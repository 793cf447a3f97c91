import XCTest
@testable import ZooFiles

final class MD5Tests: XCTestCase {
    func testRFC1321Vectors() {
        let vectors: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
             "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (text, md5) in vectors {
            XCTAssertEqual(MD5.hex(Array(text.utf8)), md5, text)
        }
    }

    func testIncrementalEqualsOneShot() {
        let data = pseudoRandomBytes(1000)
        // Pieces that straddle 64-byte blocks in every way, including the 55/56-byte padding edge.
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 999, 1000] {
            var md5 = MD5()
            md5.update(Array(data[..<split]))
            md5.update(Array(data[split...]))
            XCTAssertEqual(md5.hexDigest(), MD5.hex(data), "split at \(split)")
        }
        for n in 50 ... 70 {
            var md5 = MD5()
            for b in data[..<n] { md5.update([b]) }
            XCTAssertEqual(md5.hexDigest(), MD5.hex(Array(data[..<n])), "\(n) bytes one at a time")
        }
    }
}
