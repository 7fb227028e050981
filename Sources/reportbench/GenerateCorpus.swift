// GenerateCorpus: `reportbench generate` writes a deterministic sample corpus of
// Vietnamese-like reports (title line, a number line, paragraphs, some boilerplate),
// made from a word list written for this project. README's first command serves it, so
// a fresh clone can run the whole product without the shared corpus.
import ArgumentParser
import Foundation

struct GenerateCorpus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic sample corpus: one <id>.txt per report."
    )

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(help: "Number of reports.")
    var count: Int = 2000

    @Option(help: "Random seed.")
    var seed: UInt64 = 2020

    @Option(help: "First report id.")
    var firstID: Int = 1000

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: seed)
        var total = 0
        for n in 0..<count {
            let text = SampleReport.make(using: &rng)
            let path = "\(out)/\(firstID + n).txt"
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw ValidationError("cannot write \(path)")
            }
            total += text.utf8.count
        }
        print("wrote \(count) reports (\(total) bytes) to \(out)")
    }
}

/// Builds one synthetic report.
enum SampleReport {
    static let subjects = [
        "Bộ Công Thương", "Ủy ban nhân dân tỉnh", "Thành phố Hà Nội", "Chính phủ", "Đảng ủy khối doanh nghiệp",
        "Sở Y tế", "Bộ Giáo dục và Đào tạo", "Ngân hàng Nhà nước", "Hội Nông dân", "Công an huyện",
        "Thành phố Hồ Chí Minh", "Ban Thường vụ Tỉnh ủy", "Bộ Tài chính", "Tổng cục Thống kê",
    ]
    static let verbs = [
        "đã tổ chức", "triển khai", "tăng cường", "đẩy mạnh", "kiểm tra", "hoàn thành", "phê duyệt",
        "hỗ trợ", "chỉ đạo", "đánh giá", "công bố", "ký kết", "khởi công", "tổng kết",
    ]
    static let objects = [
        "công tác xây dựng Đảng", "kế hoạch phát triển kinh tế - xã hội", "chương trình nông thôn mới",
        "dự án thủy lợi", "phong trào hòa giải ở cơ sở", "chiến dịch tiêm chủng COVID-19",
        "hoạt động xuất khẩu nông sản", "đề án chuyển đổi số", "công trình giao thông trọng điểm",
        "chính sách an sinh xã hội", "việc chăm sóc sức khỏe người dân", "Chỉ thị số 35-CT/TW",
        "kế hoạch phòng chống thiên tai", "cải cách thủ tục hành chính", "mô hình khởi nghiệp",
    ]
    static let places = [
        "tại Hà Nội", "ở Đà Nẵng", "trên địa bàn tỉnh Quảng Ninh", "ở đồng bằng sông Cửu Long",
        "tại các xã vùng cao", "ở Thừa Thiên Huế", "trong cả nước", "tại Khánh Hòa", "ở Thanh Hóa",
    ]
    static let tails = [
        "với nhiều kết quả nổi bật", "theo đúng tiến độ đề ra", "nhằm nâng cao đời sống nhân dân",
        "trong năm 2020", "giai đoạn 2021 - 2025", "với sự tham gia của hơn 500 đại biểu",
        "góp phần ổn định tình hình địa phương", "để bảo đảm an toàn cho người dân",
    ]
    static let boilerplate = ["Phản hồi", "Các tin khác", "Mới nhất", "Chia sẻ bài viết"]

    static func make(using rng: inout SplitMix64) -> String {
        func pick(_ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
        func sentence() -> String {
            "\(pick(subjects)) \(pick(verbs)) \(pick(objects)) \(pick(places)) \(pick(tails))."
        }
        var lines = ["\(pick(subjects)) \(pick(verbs)) \(pick(objects))", "\(rng.next() % 5000)", ""]
        let paragraphs = 2 + Int(rng.next() % 8)
        for _ in 0..<paragraphs {
            let sentences = 1 + Int(rng.next() % 5)
            lines.append((0..<sentences).map { _ in sentence() }.joined(separator: " "))
            lines.append("")
        }
        lines.append(pick(boilerplate))
        return lines.joined(separator: "\n") + "\n"
    }
}
