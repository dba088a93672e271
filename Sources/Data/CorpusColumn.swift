import IO

/// One flat array of a `ParallelCorpus` (token ids or sentence ends): in memory, growing as pairs
/// are appended, or a read-only view into a memory-mapped `train.ids` (`MappedCorpus`), which the
/// column keeps alive.
public struct CorpusColumn<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    private var array: [Element]
    /// Set for a mapped column; its pointer reads are safe because `mapping` holds the mapping.
    private let mapping: MappedFile?
    private let base: UnsafePointer<Element>?
    private let mappedCount: Int

    public init() {
        array = []
        (mapping, base, mappedCount) = (nil, nil, 0)
    }

    /// `count` elements at byte `offset` of `mapping` (aligned for `Element`).
    init(mapping: MappedFile, offset: Int, count: Int) {
        precondition(offset % MemoryLayout<Element>.alignment == 0 && offset + count * MemoryLayout<Element>.stride <= mapping.bytes.count,
                     "a column outside its mapping")
        array = []
        self.mapping = mapping
        base = count == 0 ? nil : (mapping.bytes.baseAddress! + offset).assumingMemoryBound(to: Element.self)
        mappedCount = count
    }

    public var isMapped: Bool { mapping != nil }
    public var startIndex: Int { 0 }
    public var endIndex: Int { mapping == nil ? array.count : mappedCount }

    @inlinable public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < endIndex, "index \(position) out of 0..<\(endIndex)")
        return element(position)
    }

    @usableFromInline func element(_ position: Int) -> Element {
        if let base { return base[position] }
        return array[position]
    }

    /// Appends to an in-memory column.
    mutating func append<S: Sequence>(contentsOf elements: S) where S.Element == Element {
        precondition(mapping == nil, "a mapped corpus is read-only")
        array.append(contentsOf: elements)
    }

    mutating func append(_ element: Element) {
        precondition(mapping == nil, "a mapped corpus is read-only")
        array.append(element)
    }

    mutating func reserveCapacity(_ n: Int) {
        if mapping == nil { array.reserveCapacity(n) }
    }
}
