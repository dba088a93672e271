import Tensor

/// Sections read with their sizes and values checked, for the state a run resumes from: a count
/// from a damaged or crafted file (behind a valid checksum) must be an error naming the file and
/// the section, never a trap in `Int(_:)`, an index out of range or a precondition.
extension Checkpoint {
    /// The most any count in a checkpoint may be (steps, pairs read, passes): 2^53, exact as a
    /// Double, and far enough below `Int.max` that counting on from it cannot overflow.
    public static let countLimit = 1 << 53

    /// The integers of section `name`, which must hold `count` of them; nil when it is absent.
    /// - Throws: `CheckpointError.badSection` naming `path`.
    public func integers(_ name: String, count: Int, path: String) throws -> [UInt64]? {
        guard let values = integers(name) else { return nil }
        guard values.count == count else {
            throw CheckpointError.badSection(path: path, name: name, reason: "holds \(values.count) integers, not \(count)")
        }
        return values
    }

    /// The one integer of section `name` as a count in 0...`countLimit`; nil when it is absent.
    /// - Throws: `CheckpointError.badSection` naming `path`.
    public func count(_ name: String, path: String) throws -> Int? {
        guard let value = try integers(name, count: 1, path: path)?[0] else { return nil }
        return try Self.count(value, section: name, path: path)
    }

    /// `value`, read from section `section`, as a count in 0...`countLimit`.
    /// - Throws: `CheckpointError.badSection` naming `path`.
    public static func count(_ value: UInt64, section: String, path: String) throws -> Int {
        guard value <= UInt64(countLimit) else {
            throw CheckpointError.badSection(path: path, name: section, reason: "holds \(value), beyond any count a run reaches (2^53)")
        }
        return Int(value)
    }

    /// The floats of section `name`, which must hold one of `counts`; nil when it is absent.
    /// - Throws: `CheckpointError.badSection` naming `path`.
    public func tensor(_ name: String, counts: [Int], path: String) throws -> FloatBuffer? {
        guard let buffer = tensor(name) else { return nil }
        guard counts.contains(buffer.count) else {
            let expected = counts.map(String.init).joined(separator: " or ")
            throw CheckpointError.badSection(path: path, name: name, reason: "holds \(buffer.count) floats, not \(expected)")
        }
        return buffer
    }
}
