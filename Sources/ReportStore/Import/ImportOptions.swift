// ImportOptions: limits and compression settings for `ReportStore.load`. Immutable value.
import Foundation

/// Settings for an import.
public struct ImportOptions: Sendable {
    /// Larger reports are skipped with an issue (clamped to UInt32.max).
    public var maxReportBytes: Int = 8 << 20
    /// Preset dictionary size in bytes (zlib reaches back at most 32 KiB).
    public var dictionarySize = 32768
    /// zlib compression level.
    public var level = 9
    /// zlib memLevel.
    public var memLevel = 9
    /// The dictionary trainer's settings (its `dictionarySize` is overridden by ours).
    public var trainer = DictionaryTrainer()
    /// Worker threads for compression (default: active processors).
    public var concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Seconds between progress callbacks, at most.
    public var progressInterval = 0.5
    /// Build the full-text index at import (the texts are at hand uncompressed only then).
    public var buildsSearchIndex = true

    /// Default settings.
    public init() {}
}
