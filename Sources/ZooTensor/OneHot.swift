extension Tensor {
    /// One row per label, 1 in the label's column and 0 elsewhere: [labels.count, classes].
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        precondition(labels.allSatisfy { (0..<classes).contains($0) }, "labels must be in 0..<\(classes)")
        var values = [Float](repeating: 0, count: labels.count * classes)
        for (row, label) in labels.enumerated() { values[row * classes + label] = 1 }
        return Tensor(shape: [labels.count, classes], values)
    }

    /// The one-hot labels spread over an image's pixels, [labels.count, classes, height, width]:
    /// a label given to a convolution as extra input channels.
    public static func oneHotPlanes(_ labels: [Int], classes: Int, height: Int, width: Int) -> Tensor {
        precondition(labels.allSatisfy { (0..<classes).contains($0) }, "labels must be in 0..<\(classes)")
        let plane = height * width
        var values = [Float](repeating: 0, count: labels.count * classes * plane)
        for (row, label) in labels.enumerated() {
            let start = (row * classes + label) * plane
            for i in start..<(start + plane) { values[i] = 1 }
        }
        return Tensor(shape: [labels.count, classes, height, width], values)
    }
}
