#if canImport(Glibc)
import Glibc
#endif
import Tensor
import Testing

/// A store made for decoding: its values adopted, no gradients, and weights given back
/// (`release`) read as zeros over the whole pages inside them and keep every other value.
@Suite struct ParameterStoreReleaseTests {
    @Test func releasedRowsReadAsZerosOverTheirWholePages() {
        var layout = ParameterLayout()
        _ = layout.add("before", rows: 3, columns: 5)
        let big = layout.add("big", rows: 1000, columns: 1000)      // 4 MB: its own mapping
        let values = FloatBuffer(count: layout.count)
        for i in 0..<layout.count { values.pointer[i] = Float(i % 1009) + 1 }
        let store = ParameterStore(decoding: layout, values: values)
        #expect(store.values === values && !store.hasGradients && store.gradients.count == 0)
        store.release(big, rows: 10..<990)
        let page = Int(getpagesize()) / 4
        let start = big.offset + 10 * 1000, end = big.offset + 990 * 1000
        let pointer = Int(bitPattern: values.pointer)
        // The first and last whole pages inside rows 10..<990, in floats from the buffer's start.
        let first = ((pointer / 4 + start + page - 1) / page * page) - pointer / 4
        let last = ((pointer / 4 + end) / page * page) - pointer / 4
        #expect(first >= start && last <= end && last - first > 900 * 1000)
        var zeros = 0, kept = 0
        for i in 0..<layout.count {
            let expected = Float(i % 1009) + 1
            if i >= first && i < last {
                if values.pointer[i] == 0 { zeros += 1 }
            } else if values.pointer[i] == expected {
                kept += 1
            }
        }
        #expect(zeros == last - first && kept == layout.count - (last - first))
    }
}
