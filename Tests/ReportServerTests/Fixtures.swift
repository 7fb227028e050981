// Fixtures: report texts written for these tests — Vietnamese in NFC and NFD, CRLF,
// a BOM, no final newline, a large generated report — chosen to catch any byte that
// import, compression or the wire could change.

enum Fixtures {
    static let reports: [String: [UInt8]] = {
        var reports: [String: [UInt8]] = [
            "1001": Array("Hội nghị tổng kết công tác năm\n42\n\nĐảng ủy khối đã họp bàn kế hoạch.\n".utf8),
            "1002": Array("Dòng đầu CRLF\r\n\r\nNội dung có \"dấu ngoặc\" và \\ gạch chéo\r\n".utf8),
            "1003": [0xEF, 0xBB, 0xBF] + Array("Tiêu đề có BOM\nkhông có xuống dòng cuối".utf8),
            // "Hoà bình" in decomposed form (NFD): the stored bytes must stay decomposed.
            "1004": Array("Hoa\u{300} bi\u{300}nh va\u{300} pha\u{301}t triê\u{309}n\n\nThủy lợi, khỏe mạnh.\n".utf8),
            "1005": Array("  \n\n   Tiêu đề sau dòng trống  \n\tcó tab\u{0007} và ký tự điều khiển\n".utf8),
            "a.b": Array("Mã có dấu chấm\nid = a.b\n".utf8),
        ]
        var large: [UInt8] = Array("Báo cáo rất dài\n".utf8)
        var state: UInt64 = 7
        let words = ["kinh", "tế", "xã", "hội", "phát", "triển", "bền", "vững", "năm", "2021", "Việt", "Nam"]
        while large.count < 600_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            large += Array(words[Int(state >> 59) % words.count].utf8) + [state & 0x1F00 == 0 ? 10 : 32]
        }
        reports["2000"] = large
        return reports
    }()
}
