/// Reads GS1 dates (`YYMMDD`, `YYMMD0`, `YYYYMMDD`) into calendar dates.
///
/// Two-digit years need a century. GS1's rule (General Specifications §7.12) picks the year within −49…+50 years of
/// the current year; the core has no clock, so the caller passes the reference year, and without one the year is
/// 20YY (right until 2050).
public struct GS1DateRules: Sendable, Equatable {
    /// The current year for GS1's sliding century window, or nil for 20YY.
    public var referenceYear: Int?

    public init(referenceYear: Int? = nil) {
        self.referenceYear = referenceYear
    }

    /// The full year for a two-digit GS1 year.
    public func year(twoDigit yy: Int) -> Int {
        guard let reference = self.referenceYear else { return 2000 + yy }
        let century = reference - ((reference % 100) + 100) % 100
        let difference = yy - ((reference % 100) + 100) % 100
        if difference >= 51 { return century - 100 + yy }
        if difference <= -50 { return century + 100 + yy }
        return century + yy
    }

    /// The date of a `YYMMDD` value; day 00 (allowed by `yymmd0`) means the last day of the month.
    public func date(yymmdd value: some Collection<UInt8>) -> CivilDate? {
        let bytes = Array(value)
        guard bytes.count == 6, ASCII.isAllDigits(bytes) else { return nil }
        let year = self.year(twoDigit: ASCII.number(bytes[0..<2]))
        let month = ASCII.number(bytes[2..<4])
        var day = ASCII.number(bytes[4..<6])
        guard (1...12).contains(month) else { return nil }
        if day == 0 { day = CivilDate.daysIn(month: month, year: year) }
        guard day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    func failure(yymmdd value: ArraySlice<UInt8>, allowZeroDay: Bool) -> GS1LintFailure? {
        guard value.count == 6 else { return GS1LintFailure(code: .badDate, problem: "is not a date (YYMMDD)") }
        let year = self.year(twoDigit: ASCII.number(value.prefix(2)))
        return self.failure(year: year, month: ASCII.number(value.dropFirst(2).prefix(2)),
                            day: ASCII.number(value.suffix(2)), allowZeroDay: allowZeroDay)
    }

    func failure(yyyymmdd value: ArraySlice<UInt8>) -> GS1LintFailure? {
        guard value.count == 8 else { return GS1LintFailure(code: .badDate, problem: "is not a date (YYYYMMDD)") }
        return self.failure(year: ASCII.number(value.prefix(4)), month: ASCII.number(value.dropFirst(4).prefix(2)),
                            day: ASCII.number(value.suffix(2)), allowZeroDay: false)
    }

    private func failure(year: Int, month: Int, day: Int, allowZeroDay: Bool) -> GS1LintFailure? {
        guard (1...12).contains(month) else {
            return GS1LintFailure(code: .badDate, problem: "is not a date (month \(month))")
        }
        if day == 0 {
            return allowZeroDay ? nil : GS1LintFailure(code: .badDate, problem: "is not a date (day 00 is not allowed here)")
        }
        let last = CivilDate.daysIn(month: month, year: year)
        guard day <= last else {
            return GS1LintFailure(code: .badDate, problem: "is not a date (day \(day); \(year)-\(month) has \(last) days)")
        }
        return nil
    }
}
