// Fixtures: synthetic Vietnamese reports and temporary directories written by the tests
// themselves (no corpus text is ever copied into the project). Deterministic by seed.
import Foundation
@testable import ReportStore

enum Fixtures {
    /// Sentences written for these tests.
    static let sentences = [
        "Sáng nay, ủy ban nhân dân thành phố đã họp bàn về kế hoạch chống ngập mùa mưa.",
        "Người dân phản ánh tình trạng kẹt xe kéo dài trên tuyến đường vành đai.",
        "Theo báo cáo của sở y tế, số ca sốt xuất huyết giảm mạnh so với tuần trước.",
        "Giá rau củ tại các chợ đầu mối tăng nhẹ do ảnh hưởng của thời tiết.",
        "Đội tuyển bóng đá trẻ đã giành chiến thắng thuyết phục trong trận chung kết.",
        "Nhiều trường học được sửa chữa trước khi năm học mới bắt đầu.",
        "Cơ quan chức năng khuyến cáo người dân không đốt rơm rạ gần khu dân cư.",
        "Lễ hội hoa xuân thu hút hàng nghìn du khách trong và ngoài nước.",
        "Ngân hàng nhà nước điều chỉnh lãi suất điều hành từ đầu tháng tới.",
        "Các doanh nghiệp xuất khẩu thủy sản kỳ vọng đơn hàng tăng vào cuối năm.",
    ]

    /// A report shaped like the real ones: title line, body paragraphs, boilerplate tail.
    static func report(seed: UInt64, paragraphs: Int = 4) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var lines = ["Tin tức số \(seed): " + sentences[Int(rng.next() % UInt64(sentences.count))]]
        for _ in 0..<paragraphs {
            var paragraph: [String] = []
            for _ in 0..<(2 + Int(rng.next() % 4)) {
                paragraph.append(sentences[Int(rng.next() % UInt64(sentences.count))])
            }
            lines.append(paragraph.joined(separator: " "))
        }
        lines.append("Phản hồi\nCác tin khác\nMới nhất")
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// `count` bytes from a seeded generator.
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// A fresh, empty directory under the system temp dir.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "reportstore-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `bytes` to `dir/relative`, creating directories.
    static func write(_ bytes: [UInt8], to relative: String, in dir: String) throws {
        let path = dir + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw StoreError(.io, "cannot write \(path)")
        }
    }

    static func remove(_ dir: String) {
        try? FileManager.default.removeItem(atPath: dir)
    }
}
