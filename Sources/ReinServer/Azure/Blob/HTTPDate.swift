import ReinEngine

extension Timestamp {
    /// The instant as an HTTP date (RFC 1123, always GMT), as `x-ms-date` wants it:
    /// `Thu, 28 May 2026 07:46:40 GMT`.
    var httpDate: String {
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let c = civil
        let day = days[((weekday - 1) % 7 + 7) % 7]
        let month = months[((Int(c.month) - 1) % 12 + 12) % 12]
        return "\(day), \(Self.padded(c.day, 2)) \(month) \(Self.padded(c.year, 4)) "
            + "\(Self.padded(c.hour, 2)):\(Self.padded(c.minute, 2)):\(Self.padded(c.second, 2)) GMT"
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
