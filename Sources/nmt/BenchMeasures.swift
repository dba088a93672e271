#if canImport(Glibc)
import Glibc
#endif

/// What both `nmt bench` modes report besides their own counts.
enum BenchMeasures {
    /// getrusage's peak resident set (Linux reports kilobytes), in MB as the peer prints it.
    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// A clock reading's duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
