import XCTest
@testable import ZooImages

/// Resizing, cropping and channel conversion against naive references.
final class ResizeTests: XCTestCase {
    func randomImage(_ width: Int, _ height: Int, _ channels: Int, seed: UInt64 = 1) -> PixelImage {
        PixelImage(width: width, height: height, channels: channels, pixels: pseudoRandomBytes(width * height * channels, seed: seed))
    }

    func testIdentityIsExact() {
        let image = randomImage(17, 9, 3)
        XCTAssertEqual(image.resized(width: 17, height: 9), image)
        XCTAssertEqual(image.centerCropped(width: 17, height: 9), image)
        XCTAssertEqual(image.resizedShorterSide(to: 9), image)
        // One axis kept, the other shrunk: the kept axis is copied, not filtered.
        let rows = image.resized(width: 17, height: 3)
        XCTAssertEqual(rows.width, 17)
    }

    func testHalvingIsTheMeanOfEach2x2Block() {
        for channels in [1, 3] {
            let image = randomImage(10, 6, channels, seed: UInt64(channels))
            let half = image.resized(width: 5, height: 3)
            var expected: [UInt8] = []
            for y in 0 ..< 3 {
                for x in 0 ..< 5 {
                    for c in 0 ..< channels {
                        var sum = 0
                        for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                            sum += Int(image.pixels[((2 * y + dy) * 10 + 2 * x + dx) * channels + c])
                        }
                        expected.append(UInt8((sum + 2) / 4))  // the mean, halves rounded up
                    }
                }
            }
            XCTAssertEqual(half.pixels, expected, "channels \(channels)")
        }
    }

    func testAreaShrinkMatchesBruteForceCoverage() {
        // 7 -> 3 and 10 -> 4: source pixels straddle output pixels.
        let image = randomImage(7, 10, 1, seed: 9)
        let small = image.resized(width: 3, height: 4)
        let sx = 7.0 / 3, sy = 10.0 / 4
        for y in 0 ..< 4 {
            for x in 0 ..< 3 {
                var sum = 0.0
                for v in 0 ..< 10 {
                    for u in 0 ..< 7 {
                        let wx = max(0, min(Double(u + 1), Double(x + 1) * sx) - max(Double(u), Double(x) * sx))
                        let wy = max(0, min(Double(v + 1), Double(y + 1) * sy) - max(Double(v), Double(y) * sy))
                        sum += wx * wy * Double(image.pixels[v * 7 + u])
                    }
                }
                let expected = sum / (sx * sy)
                XCTAssertLessThanOrEqual(abs(Double(small.pixels[y * 3 + x]) - expected), 0.5 + 1e-3, "(\(x), \(y))")
            }
        }
    }

    func testBilinearEnlargeBetweenPixelCenters() {
        // [0, 100] to 4 samples: centers at -0.25 (edge), 0.25, 0.75, 1.25 (edge).
        let line = PixelImage(width: 2, height: 1, channels: 1, pixels: [0, 100]).resized(width: 4, height: 1)
        XCTAssertEqual(line.pixels, [0, 25, 75, 100])
        let constant = PixelImage(width: 3, height: 2, channels: 3, pixels: [UInt8](repeating: 77, count: 18))
        XCTAssertEqual(constant.resized(width: 11, height: 5).pixels, [UInt8](repeating: 77, count: 165))
        XCTAssertEqual(constant.resized(width: 2, height: 1).pixels, [77, 77, 77, 77, 77, 77])
    }

    func testShorterSideAndCenterCropFollowTorchvision() {
        let wide = randomImage(99, 50, 1)
        let resized = wide.resizedShorterSide(to: 32)
        XCTAssertEqual([resized.width, resized.height], [63, 32])  // int(32 * 99 / 50) = 63
        XCTAssertEqual([randomImage(50, 100, 3).resizedShorterSide(to: 20).width, randomImage(50, 100, 3).resizedShorterSide(to: 20).height], [20, 40])
        // Excess 31: offset round(15.5) = 16; excess 29: round(14.5) = 14 (half to even, as Python's round).
        let a = PixelImage(width: 63, height: 1, channels: 1, pixels: (0 ..< 63).map { UInt8($0) })
        XCTAssertEqual(a.centerCropped(width: 32, height: 1).pixels.first, 16)
        let b = PixelImage(width: 61, height: 1, channels: 1, pixels: (0 ..< 61).map { UInt8($0) })
        XCTAssertEqual(b.centerCropped(width: 32, height: 1).pixels.first, 14)
        let fitted = randomImage(120, 80, 3).fitted(side: 24, channels: 1)
        XCTAssertEqual([fitted.width, fitted.height, fitted.channels], [24, 24, 1])
    }

    func testChannelConversion() {
        let gray = PixelImage(width: 2, height: 1, channels: 1, pixels: [7, 250])
        XCTAssertEqual(gray.converted(toChannels: 3).pixels, [7, 7, 7, 250, 250, 250])
        XCTAssertEqual(gray.converted(toChannels: 3).converted(toChannels: 1), gray)
        let primaries = PixelImage(width: 4, height: 1, channels: 3, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
        XCTAssertEqual(primaries.converted(toChannels: 1).pixels, [76, 150, 29, 255])  // 76.245, 149.685, 29.07
        let random = randomImage(32, 8, 3, seed: 5)
        let luminance = random.converted(toChannels: 1)
        for i in 0 ..< 32 * 8 {
            let r = Double(random.pixels[3 * i]), g = Double(random.pixels[3 * i + 1]), b = Double(random.pixels[3 * i + 2])
            let exact = 0.299 * r + 0.587 * g + 0.114 * b
            XCTAssertLessThanOrEqual(abs(Double(luminance.pixels[i]) - exact), 0.5 + 1e-9)
        }
    }
}
