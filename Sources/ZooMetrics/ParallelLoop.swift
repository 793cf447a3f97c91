import CZooKernels

/// Loops split over zoo's thread team: the OpenMP team that oneDNN's GEMMs run on, whose
/// other threads would otherwise spin idle while one thread scans a Gram matrix between two
/// GEMMs. The split depends only on the count and the thread count, so a loop whose slices
/// write disjoint results gives the same bits every run.
enum ParallelLoop {
    /// Calls `body` once per slice of 0..<count, on several threads at once: `body` must only
    /// write what belongs to its own slice. `itemCost` is about how many elementary operations
    /// one item takes; loops of less than 64 K operations in all run on the calling thread,
    /// where waking the team would cost more than it saves.
    static func forEachSlice(of count: Int, itemCost: Int, _ body: (Range<Int>) -> Void) {
        let grain = max(1, (32 << 10) / max(itemCost, 1))
        typealias Body = (Range<Int>) -> Void
        withoutActuallyEscaping(body) { body in
            var context: Body = body
            withUnsafeMutablePointer(to: &context) { pointer in
                zoo_parallel_for(count, grain, { context, begin, end in
                    guard let context else { return }
                    context.assumingMemoryBound(to: Body.self).pointee(begin..<end)
                }, pointer)
            }
        }
    }
}
