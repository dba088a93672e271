import Testing
import IO

@Suite struct FNV1aTests {
    /// The published FNV-1a 64 test vectors (Fowler, Noll and Vo's reference code).
    @Test func matchesTheReferenceVectors() {
        #expect(FNV1a.of(Array("".utf8)) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.of(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.of(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
        var hash = FNV1a()
        hash.add(Array("foo".utf8))
        "bar".utf8.withContiguousStorageIfAvailable { hash.add(UnsafeRawBufferPointer($0)) }
        #expect(hash.value == 0x8594_4171_f739_67e8 && hash.hex == "85944171f73967e8")
        #expect(FNV1a().hex == "cbf29ce484222325")
    }

    /// A unit wider than a byte is folded in whole (the value a Python reference gives for the
    /// scalars of "Mr😀").
    @Test func foldsWideUnitsWhole() {
        var hash = FNV1a()
        for scalar in "Mr😀".unicodeScalars { hash.add(unit: UInt64(scalar.value)) }
        #expect(hash.value == 0x1dd7_6f19_b4e3_055a)
    }
}
