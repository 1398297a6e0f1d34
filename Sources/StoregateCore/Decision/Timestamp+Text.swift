extension Timestamp {
    /// `YYYY-MM-DD HH:MM UTC`, for reasons a cashier reads (no Foundation in the core).
    public var utcText: String {
        let millisPerDay: Int64 = 86_400_000
        let date = self.utcDate
        var millisOfDay = self.milliseconds % millisPerDay
        if millisOfDay < 0 { millisOfDay += millisPerDay }
        let minutes = Int(millisOfDay / 60_000)
        let hour = minutes / 60
        let minute = minutes % 60
        return "\(date) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute) UTC"
    }
}
