#if canImport(Glibc)
import Glibc
#endif

/// Progress lines on standard error: at most one every `interval` seconds, with the rate and
/// the time left, and a final line with the total time. Silent when `quiet`.
public final class Progress: @unchecked Sendable {
    private let label: String
    private let unit: String
    private let total: Int?
    private let quiet: Bool
    private let interval: Double
    private let start: Double
    private var lastPrint: Double
    private let lock = Lock()

    public init(_ label: String, total: Int? = nil, unit: String = "lines", quiet: Bool = false, interval: Double = 2) {
        self.label = label
        self.unit = unit
        self.total = total
        self.quiet = quiet
        self.interval = interval
        start = Clock.seconds()
        lastPrint = start
    }

    /// Seconds since this progress began.
    public var elapsed: Double { Clock.seconds() - start }

    /// Reports `done` units so far; prints if the interval has passed.
    public func update(_ done: Int) {
        if quiet { return }
        let now = Clock.seconds()
        lock.withLock {
            guard now - lastPrint >= interval else { return }
            lastPrint = now
            let rate = Double(done) / max(now - start, 1e-9)
            var line = "\(label): \(Progress.group(done))"
            if let total, total > 0 {
                let left = rate > 0 ? Double(total - done) / rate : 0
                line += "/\(Progress.group(total)) \(unit) (\(Int(100 * Double(done) / Double(total)))%), "
                line += "\(Progress.group(Int(rate))) \(unit)/s, \(Progress.duration(left)) left"
            } else {
                line += " \(unit), \(Progress.group(Int(rate))) \(unit)/s"
            }
            FileSystem.printError(line)
        }
    }

    /// Prints a closing line: what was done and how long it took.
    public func finish(_ done: Int, note: String = "") {
        if quiet { return }
        let seconds = elapsed
        let rate = Double(done) / max(seconds, 1e-9)
        FileSystem.printError("\(label): \(Progress.group(done)) \(unit) in \(Progress.duration(seconds)) (\(Progress.group(Int(rate))) \(unit)/s)\(note.isEmpty ? "" : ", " + note)")
    }

    /// A message line, unless quiet.
    public func note(_ text: String) {
        if !quiet { FileSystem.printError("\(label): \(text)") }
    }

    /// 1234567 → "1,234,567".
    public static func group(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// 0.42 → "0.42s", 75 → "1m15s", 3725 → "1h02m".
    public static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(Double(Int(seconds * 100)) / 100) + "s" }
        let s = Int(seconds.rounded())
        if s < 3600 { return s < 60 ? "\(s)s" : "\(s / 60)m\(s % 60 < 10 ? "0" : "")\(s % 60)s" }
        return "\(s / 3600)h\((s % 3600) / 60 < 10 ? "0" : "")\((s % 3600) / 60)m"
    }
}

/// Monotonic wall-clock time.
public enum Clock {
    public static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
