// TestDirectory: a fresh temporary directory per test, removed at the end; and durabilityError,
// which runs a throwing call and returns the DurabilityError it threw. Used by one test at a time.
import Foundation
import Testing

@testable import ReportDurability

/// A temporary directory that removes itself.
final class TestDirectory {
    let path: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "reportd-durable-\(safe)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Names in the directory, sorted.
    func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}
/// Runs `body` and returns the DurabilityError it throws, recording an issue if it does not.
func durabilityError<T>(
    _ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation
) -> DurabilityError? {
    do {
        _ = try body()
        Issue.record("expected a DurabilityError, got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as DurabilityError {
        return error
    } catch {
        Issue.record("expected a DurabilityError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
