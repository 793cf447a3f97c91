import XCTest
@testable import ZooImages
import ZooData

final class ImageGridTests: XCTestCase {
    func testMNISTSheetGeometry() {
        // torchvision: make_grid of 64 28x28 images, nrow 8, padding 2 -> 242 x 242.
        let grid = ImageGrid.make(images: [Float](repeating: 1, count: 64 * 784), count: 64, rows: 28, cols: 28)
        XCTAssertEqual(grid.width, 242)
        XCTAssertEqual(grid.height, 242)
        XCTAssertEqual(grid.channels, 1)
        // Border and gaps are black, cells white.
        XCTAssertEqual(grid.pixels[0], 0)
        XCTAssertEqual(grid.pixels[2 * 242 + 2], 255)           // first cell's top-left
        XCTAssertEqual(grid.pixels[2 * 242 + 29], 255)          // first cell's top-right
        XCTAssertEqual(grid.pixels[2 * 242 + 30], 0)            // gap between cells
        XCTAssertEqual(grid.pixels[2 * 242 + 32], 255)          // second cell
        XCTAssertEqual(grid.pixels[241 * 242 + 241], 0)         // bottom-right border
        XCTAssertEqual(grid.pixels.filter { $0 == 255 }.count, 64 * 784)
    }

    func testPartialLastRowAndFewImages() {
        // 10 images, nrow 4: 3 rows, the last holding 2.
        XCTAssertTrue(ImageGrid.size(count: 10, rows: 5, cols: 3, nrow: 4) == (4 * 5 + 2, 3 * 7 + 2))
        // Fewer images than nrow: the grid is only as wide as needed.
        let grid = ImageGrid.make(images: [Float](repeating: 0.5, count: 3 * 4), count: 3, rows: 2, cols: 2, nrow: 8, padding: 1)
        XCTAssertEqual(grid.width, 3 * 3 + 1)
        XCTAssertEqual(grid.height, 2 + 2)
        // One image: returned as is, without padding (as torchvision does).
        let one = ImageGrid.make(bytes: [1, 2, 3, 4, 5, 6], count: 1, rows: 2, cols: 3)
        XCTAssertEqual([one.width, one.height], [3, 2])
        XCTAssertEqual(one.pixels, [1, 2, 3, 4, 5, 6])
    }

    func testValueMapping() {
        // 0...1: x*255 + 0.5, clamped; NaN shows black.
        let values: [Float] = [0, 1, 0.5, -0.2, 1.7, 0.001, 0.999, .nan, .infinity]
        let grid = ImageGrid.make(images: values, count: 1, rows: 1, cols: 9)
        XCTAssertEqual(grid.pixels, [0, 255, 128, 0, 255, 0, 255, 0, 255])
        // -1...1 (tanh output): -1 black, 0 mid gray, 1 white.
        let tanh = ImageGrid.make(images: [-1, 0, 1, -3], count: 1, rows: 1, cols: 4, range: -1 ... 1)
        XCTAssertEqual(tanh.pixels, [0, 128, 255, 0])
    }

    func testPlacementAndPadValue() {
        // Two 1x2 images side by side with padding 1 and a gray pad value.
        let grid = ImageGrid.make(bytes: [10, 20, 30, 40], count: 2, rows: 1, cols: 2, padding: 1, padValue: 99)
        XCTAssertEqual([grid.width, grid.height], [7, 3])
        XCTAssertEqual(grid.pixels, [99, 99, 99, 99, 99, 99, 99,
                                     99, 10, 20, 99, 30, 40, 99,
                                     99, 99, 99, 99, 99, 99, 99])
    }

    func testRealDigitsSheet() throws {
        let mnist = try sharedMNIST()
        let floats = mnist.batch(.test, indices: 0 ..< 16)
        let grid = ImageGrid.make(images: floats, count: 16, rows: 28, cols: 28, nrow: 4)
        XCTAssertEqual([grid.width, grid.height], [122, 122])
        // Float mapping of exact byte values gives back the bytes.
        let direct = ImageGrid.make(bytes: Array(mnist.testImages[0 ..< 16 * 784]), count: 16, rows: 28, cols: 28, nrow: 4)
        XCTAssertEqual(grid, direct)
        XCTAssertEqual(try PNG.decode(grid.pngData()), grid)
    }
}
