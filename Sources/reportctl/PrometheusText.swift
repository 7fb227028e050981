// PrometheusText: reportd's STATS in the Prometheus text exposition format (version 0.0.4),
// for node_exporter's textfile collector: each key becomes `reportd_<key>` with HELP and TYPE
// lines; counters end in _total; the appendfsync policy is a state set
// (`reportd_appendfsync{policy="always"} 1`, the other policies 0); the idle timeout is in
// seconds. `reportd_up` is 1 with the figures, or 0 alone when reportd could not be asked,
// so that an alert sees a dead daemon instead of stale numbers. Stateless.
import Foundation
import ReportProtocol

/// Renders STATS entries as Prometheus text.
enum PrometheusText {
    static func render(_ entries: [StatsEntry]?) -> String {
        var text = family("reportd_up", "gauge", "1 when reportctl could read reportd's STATS, else 0.")
        text += "reportd_up \(entries == nil ? 0 : 1)\n"
        for entry in entries ?? [] {
            let metric = StatsCatalog.metric(entry.key)
            var name = "reportd_" + sanitized(entry.key)
            switch metric.kind {
            case .names(let names):
                text += family(name, "gauge", metric.help)
                for (index, label) in names.enumerated() {
                    text += "\(name){policy=\"\(label)\"} \(entry.value == UInt64(index) ? 1 : 0)\n"
                }
            case .milliseconds:
                if name.hasSuffix("_ms") { name.removeLast(3) }
                name += "_seconds"
                text += family(name, "gauge", metric.help)
                text += "\(name) \(Double(entry.value) / 1000)\n"
            default:
                if metric.counter { name += "_total" }
                text += family(name, metric.counter ? "counter" : "gauge", metric.help)
                text += "\(name) \(entry.value)\n"
            }
        }
        return text
    }

    private static func family(_ name: String, _ type: String, _ help: String) -> String {
        let escaped = help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
        return "# HELP \(name) \(escaped)\n# TYPE \(name) \(type)\n"
    }

    /// A metric-name fragment: letters, digits and _ only.
    private static func sanitized(_ key: String) -> String {
        String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}
