// Tests for ConfigValue and ConfigEntry's typed accessors.
import Testing

@testable import ServiceSupport

@Suite("ConfigValue")
struct ConfigValueTests {
    @Test(
        "sizes",
        arguments: [
            ("4096", 4096), ("0", 0), ("512B", 512), ("64k", 65536), ("64K", 65536), ("64KiB", 65536),
            ("16M", 16 << 20), ("16MiB", 16 << 20), ("1G", 1 << 30), ("2GiB", 2 << 30),
        ])
    func sizes(_ text: String, _ expected: Int) {
        #expect(ConfigValue.size(text) == expected)
    }

    @Test(
        "rejected sizes",
        arguments: ["", "k", "-1", "+1", "16 MiB", "16MB", "16kb", "1.5M", "1T", "99999999999999999G"])
    func badSizes(_ text: String) {
        #expect(ConfigValue.size(text) == nil)
    }

    @Test(
        "durations",
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3600)),
            ("0", .zero), ("0s", .zero),
        ])
    func durations(_ text: String, _ expected: Duration) {
        #expect(ConfigValue.duration(text) == expected)
    }

    @Test("rejected durations", arguments: ["", "30", "s", "-5s", "1.5s", "5 m", "5min", "1d", "9999999999999999999h"])
    func badDurations(_ text: String) {
        #expect(ConfigValue.duration(text) == nil)
    }

    @Test(
        "octal modes",
        arguments: [("0660", UInt32(0o660)), ("660", 0o660), ("0", 0), ("2770", 0o2770), ("7777", 0o7777)])
    func modes(_ text: String, _ expected: UInt32) {
        #expect(ConfigValue.fileMode(text) == expected)
    }

    @Test("rejected modes", arguments: ["", "0668", "rw-rw----", "01777x", "17777", "0x1b6", "-660"])
    func badModes(_ text: String) {
        #expect(ConfigValue.fileMode(text) == nil)
    }

    @Test("booleans")
    func booleans() {
        for text in ["yes", "true", "on", "1", "YES", "True"] { #expect(ConfigValue.bool(text) == true) }
        for text in ["no", "false", "off", "0", "No"] { #expect(ConfigValue.bool(text) == false) }
        for text in ["", "y", "2", "enabled"] { #expect(ConfigValue.bool(text) == nil) }
    }

    @Test("integers and lists")
    func integersAndLists() {
        #expect(ConfigValue.integer("256") == 256)
        for text in ["", "-1", "+1", "1_000", "1e3", " 1"] { #expect(ConfigValue.integer(text) == nil) }
        #expect(ConfigValue.list("alice, bob ,carol") == ["alice", "bob", "carol"])
        #expect(ConfigValue.list("alice") == ["alice"])
        for text in ["", "a,", ",a", "a,,b"] { #expect(ConfigValue.list(text) == nil) }
    }

    @Test("typed accessors name file, line, key and what was expected")
    func entryErrors() throws {
        let entry = ConfigEntry(key: "max-frame-bytes", value: "lots", line: 7, path: "/etc/r.conf")
        let error = try #require(throws: ServiceSupportError.self) { try entry.sizeValue() }
        #expect(error.code == .configInvalidValue)
        #expect(
            error.description
                == #"/etc/r.conf:7: max-frame-bytes = "lots": expected a size such as 4096, 64k, 16MiB or 1GiB"#)

        let connections = ConfigEntry(key: "max-connections", value: "0", line: 3, path: "c")
        #expect(throws: ServiceSupportError.self) { try connections.integerValue(in: 1...100) }
        #expect(try ConfigEntry(key: "k", value: "42", line: 1, path: "c").integerValue(in: 1...100) == 42)
        #expect(throws: ServiceSupportError.self) {
            try ConfigEntry(key: "socket", value: "rel/x", line: 1, path: "c").absolutePathValue()
        }
        #expect(throws: ServiceSupportError.self) {
            try ConfigEntry(key: "fsync", value: "maybe", line: 1, path: "c").boolValue()
        }
        #expect(throws: ServiceSupportError.self) {
            try ConfigEntry(key: "socket-mode", value: "888", line: 1, path: "c").fileModeValue()
        }
        #expect(throws: ServiceSupportError.self) {
            try ConfigEntry(key: "idle-timeout", value: "30", line: 1, path: "c").durationValue()
        }
        #expect(try ConfigEntry(key: "write-users", value: "a,b", line: 1, path: "c").listValue() == ["a", "b"])
        #expect(try ConfigEntry(key: "max-frame-bytes", value: "64k", line: 1, path: "c").sizeValue(atLeast: 64) == 65536)
        #expect(throws: ServiceSupportError.self) {
            try ConfigEntry(key: "max-frame-bytes", value: "10", line: 1, path: "c").sizeValue(atLeast: 64)
        }
    }

    @Test("a size or duration past its maximum is refused as too large, naming the maximum, never capped")
    func maximums() throws {
        #expect(ConfigValue.sizeOverflows("9999999999G") && ConfigValue.sizeOverflows("99999999999999999999"))
        for text in ["8G", "lots", "", "9999999999T", "-1"] { #expect(!ConfigValue.sizeOverflows(text), "\(text)") }
        #expect(ConfigValue.durationOverflows("9999999999999999999h") && ConfigValue.durationOverflows("9999999999999999999ms"))
        for text in ["5m", "30", "lots", "99999999999999999999"] { #expect(!ConfigValue.durationOverflows(text), "\(text)") }

        let frame = 64...Int(UInt32.max)
        #expect(try ConfigEntry.flag("max-frame-bytes", "4294967295").sizeValue(in: frame) == 4_294_967_295)
        for value in ["4294967296", "4G", "8G", "9999999999G"] {
            let error = try #require(throws: ServiceSupportError.self) {
                try ConfigEntry(key: "max-frame-bytes", value: value, line: 4, path: "r.conf").sizeValue(in: frame, why: "u32")
            }
            #expect(error.code == .configInvalidValue)
            #expect(error.description == "r.conf:4: max-frame-bytes = \"\(value)\": too large: at most 4294967295 bytes (u32)")
        }
        let small = try #require(throws: ServiceSupportError.self) { try ConfigEntry.flag("max-frame-bytes", "10").sizeValue(in: frame) }
        #expect(small.description.contains("expected a size of at least 64 bytes"), "\(small)")
        let huge = try #require(throws: ServiceSupportError.self) { try ConfigEntry.flag("max-queued-bytes", "9999999999G").sizeValue(atLeast: 1) }
        #expect(huge.description == "--max-queued-bytes: max-queued-bytes = \"9999999999G\": too large: at most \(Int.max) bytes")

        #expect(try ConfigEntry.flag("idle-timeout", "8760h").durationValue(atMost: .seconds(8760 * 3600), shown: "8760h") == .seconds(8760 * 3600))
        for value in ["8761h", "9223372036854775807ms", "9999999999999999999h"] {
            let error = try #require(throws: ServiceSupportError.self) {
                try ConfigEntry.flag("idle-timeout", value).durationValue(atMost: .seconds(8760 * 3600), shown: "8760h", why: "0: off")
            }
            #expect(error.description == "--idle-timeout: idle-timeout = \"\(value)\": too long: at most 8760h (0: off)")
        }
        #expect(throws: ServiceSupportError.self) { try ConfigEntry.flag("idle-timeout", "300").durationValue(atMost: .seconds(1), shown: "1s") }
    }

    @Test("a flag's entry names the flag, not a file and line")
    func flagEntries() throws {
        do {
            _ = try ConfigEntry.flag("idle-timeout", "300").durationValue()
            Issue.record("a bare number is not a duration")
        } catch let error as ServiceSupportError {
            #expect(error.description == "--idle-timeout: idle-timeout = \"300\": expected a duration such as 500ms, 30s, 5m or 1h")
        }
        #expect(try ConfigEntry.flag("idle-timeout", "5m").durationValue() == .seconds(300))
    }
}
