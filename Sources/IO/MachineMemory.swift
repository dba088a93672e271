#if canImport(Glibc)
import Glibc
#endif

/// What memory this process may use, so that a model or a decode too large for the machine is
/// refused with one line before anything is allocated (`FloatBuffer` cannot fail gracefully).
///
/// The machine's `MemTotal` (`/proc/meminfo`), lowered by a cgroup v2 limit
/// (`/sys/fs/cgroup/memory.max`) when one is set, by the address-space limit (`ulimit -v`), and by
/// `NMT_MEMORY_LIMIT` (bytes, or with a
/// K, M or G suffix) when given: a way to keep `nmt` within a share of a machine.
public enum MachineMemory {
    public static var bytes: Int {
        var limit = Int.max
        if let text = try? FileSystem.readBytes("/proc/meminfo", limit: 1 << 20).map({ String(decoding: $0, as: UTF8.self) }),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
           let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") {
            limit = kilobytes * 1024
        }
        if let text = try? FileSystem.readBytes("/sys/fs/cgroup/memory.max", limit: 100).map({ String(decoding: $0, as: UTF8.self) }),
           let value = Int(text.split(separator: "\n").first ?? "") {
            limit = min(limit, value)
        }
        var address = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &address) == 0 && address.rlim_cur != rlim_t.max {     // ulimit -v
            limit = min(limit, Int(clamping: address.rlim_cur))
        }
        if let given = getenv("NMT_MEMORY_LIMIT").map({ String(cString: $0) }), let value = parse(given) {
            limit = min(limit, value)
        }
        return limit
    }

    /// "8G" → 8·2³⁰; "123" → 123; nil for anything else.
    static func parse(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = text.last, let unit = units[Character(last.uppercased())], let n = Int(text.dropLast()), n >= 0 {
            return n.multipliedReportingOverflow(by: unit).overflow ? nil : n * unit
        }
        return Int(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// - Throws: `MemoryError` when `needed` bytes are more than this machine has.
    public static func check(_ needed: Double, for what: String) throws {
        let available = bytes
        if needed > Double(available) { throw MemoryError(what: what, needed: needed, available: Double(available)) }
    }
}

/// A model or a decode that needs more memory than the machine has.
public struct MemoryError: UserError, Equatable {
    /// What needs it, e.g. "translate with beam 256 × batch 4096".
    public let what: String
    public let needed: Double
    public let available: Double

    public var description: String {
        "\(what) needs \(Self.gigabytes(needed)); this machine has \(Self.gigabytes(available))"
    }

    /// "24.1 GB" (or "0.5 GB", "3 TB" for huge ones).
    static func gigabytes(_ bytes: Double) -> String {
        let gb = bytes / 1e9
        if gb >= 1e5 { return gb < 1e18 ? "\(Int((gb / 1e3).rounded())) TB" : "\(gb / 1e3) TB" }
        return "\((gb * 10).rounded(.up) / 10) GB"
    }
}
