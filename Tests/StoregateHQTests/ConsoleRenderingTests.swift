import Foundation
@testable import StoregateHQ
@testable import StoregateHQConsole
import Testing

/// The console's pure pieces: times in a store's zone, the language choice, CSV cells, money, the templates.
struct ConsoleRenderingTests {
    @Test func timesAreShownInTheStoresZoneWithItsOffset() {
        #expect(StoreTime.format(0, zone: "Asia/Shanghai") == "1970-01-01 08:00:00 +08:00")
        // 2026-07-01 12:00 UTC: summer time in Los Angeles; 2026-12-05 12:00 UTC: standard time.
        #expect(StoreTime.format(1_782_907_200_000, zone: "America/Los_Angeles") == "2026-07-01 05:00:00 -07:00")
        #expect(StoreTime.format(1_796_472_000_000, zone: "America/Los_Angeles") == "2026-12-05 04:00:00 -08:00")
        #expect(StoreTime.format(1_796_472_000_999, zone: "Not/AZone") == "2026-12-05 12:00:00 +00:00")
        #expect(StoreTime.format(nil, zone: "Asia/Shanghai") == "")
        #expect(StoreTime.age(42_000) == "42 s" && StoreTime.age(600_000) == "10 min" && StoreTime.age(10_800_000) == "3 h")
    }

    @Test func theLanguageIsTheHighestWeightedOneTheConsoleSpeaks() {
        #expect(ConsoleLanguage(acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8") == .simplifiedChinese)
        #expect(ConsoleLanguage(acceptLanguage: "en-US,en;q=0.9,zh;q=0.5") == .english)
        #expect(ConsoleLanguage(acceptLanguage: "fr-FR,zh-Hans;q=0.7,en;q=0.3") == .simplifiedChinese)
        #expect(ConsoleLanguage(acceptLanguage: "de, fr;q=0.5") == .english)
        #expect(ConsoleLanguage(acceptLanguage: nil) == .english)
        #expect(ConsoleLanguage(acceptLanguage: "zh;q=0, en") == .english)
        #expect(ConsoleLanguage.simplifiedChinese("redemptions") == "核销数")
        // Every message has both languages, and a missing key shows itself rather than nothing.
        #expect(ConsoleMessages.catalogue.values.allSatisfy { !$0.english.isEmpty && !$0.chinese.isEmpty })
        #expect(ConsoleLanguage.english("no_such_key") == "no_such_key")
        // Every alert kind HQ raises has a name in both languages.
        for kind in Alert.Kind.allCases { #expect(ConsoleMessages.catalogue["kind_" + kind.rawValue] != nil, "\(kind)") }
    }

    @Test func csvCellsAreQuotedAndFormulasDefused() {
        #expect(CSVTable<String>.cell("plain") == "plain")
        #expect(CSVTable<String>.cell("a,b") == "\"a,b\"")
        #expect(CSVTable<String>.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVTable<String>.cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSVTable<String>.cell("-12") == "-12")
        #expect(CSVTable<String>.cell("@sum") == "'@sum")
        let table = CSVTable<(String, Int)>(columns: [("store", { $0.0 }), ("events", { "\($0.1)" })])
        #expect(table.render([("上海一店", 3)], language: .simplifiedChinese) == "\u{FEFF}门店,事件\r\n上海一店,3\r\n")
    }

    @Test func moneyIsFormattedFromMinorUnitsWithoutFloatingPoint() {
        #expect(Money.format(0) == "0.00" && Money.format(5) == "0.05" && Money.format(1_150) == "11.50")
        #expect(Money.format(-5) == "-0.05" && Money.format(Int64.min) == "-92233720368547758.08")
        #expect(Overview.change(12, 10) == "+20%" && Overview.change(6, 10) == "−40%" && Overview.change(3, 0) == "—")
    }

    @Test func everyTemplateParses() throws {
        let pages = try ConsolePages()
        for name in ConsoleTemplates.all.keys { #expect(pages.hasTemplate(name), "\(name)") }
    }

    @Test func refusalsSayTheSameInBothLanguagesWithTheirArguments() {
        func placeholders(_ text: String) -> Set<String> { Set((1...9).map { "%\($0)" }.filter { text.contains($0) }) }
        for (key, entry) in ConsoleMessages.catalogue { #expect(placeholders(entry.english) == placeholders(entry.chinese), "\(key)") }
        let error = ConsoleError.notAllowed(ConsoleSession(user: "victor", role: .viewer, csrfToken: "", expiresMs: 0), "err_only_operators_issue")
        #expect(error.message == "victor is a viewer: only operators and admins issue codes")
        #expect(error.message(in: .simplifiedChinese) == "victor 的角色是查看者：只有操作员和管理员可以发码")
    }

    @Test func chartsAreSVGWithABarPerValueEscapedTextAndNoStyleAttributes() {
        let chart = SVGChart(id: "c", title: "<t>", bars: [.init(label: "a&b", value: 3), .init(label: "c", value: 0)], emptyText: "none").svg
        #expect(chart.hasPrefix("<svg") && chart.hasSuffix("</svg>") && chart.components(separatedBy: #"<rect class="bar""#).count == 3)
        #expect(chart.contains("&lt;t&gt;") && chart.contains("a&amp;b: 3") && !chart.contains("style="))
        #expect(SVGChart(id: "e", title: "t", bars: [], emptyText: "nothing yet").svg.contains("nothing yet"))
    }

    @Test func theIssueFormsAmountsAndTimesAreReadExactly() {
        #expect(CodeBatchIssuer.minorUnits("1.5") == 150 && CodeBatchIssuer.minorUnits("12") == 1_200 && CodeBatchIssuer.minorUnits("0.05") == 5)
        for bad in ["1.", ".5", "1.234", "-1", "1e3", "", "abc", "1,50"] { #expect(CodeBatchIssuer.minorUnits(bad) == nil, "\(bad)") }
        #expect(CodeBatchIssuer.milliseconds("2026-12-01") == 1_796_083_200_000)
        #expect(CodeBatchIssuer.milliseconds("2026-12-01T00:00:00+08:00") == 1_796_054_400_000)
        #expect(CodeBatchIssuer.milliseconds("tomorrow") == nil)
        #expect(Campaigns.percentChange(9 * 4, 6 * 2) == "+200.0%" && Campaigns.percentChange(1, 3) == "−66.7%" && Campaigns.percentChange(1, 0) == "—")
    }
}
