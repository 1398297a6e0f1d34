/// A bar chart as inline SVG, rendered on the server: no script, no library, nothing for the Content-Security-Policy
/// to allow (colours are presentation attributes, not `style`). Each bar has a `<title>` (its label and value, shown
/// on hover and read by screen readers); the y axis marks the largest value.
struct SVGChart: Sendable, Codable {
    struct Bar: Sendable, Codable {
        var label: String
        var value: Int64
    }

    var svg: String

    static let width = 760, height = 200, left = 48, bottom = 22, top = 10

    /// `labelEvery`: write every n-th bar's label under the axis (all of them in the titles).
    init(id: String, title: String, bars: [Bar], labelEvery: Int = 1, emptyText: String) {
        let plotWidth = Double(Self.width - Self.left - 8), plotHeight = Double(Self.height - Self.bottom - Self.top)
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        var svg = ##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="\##(Self.escape(id))" role="img" viewBox="0 0 \##(Self.width) \##(Self.height)" width="\##(Self.width)" height="\##(Self.height)">"##
        svg += "<title>\(Self.escape(title))</title>"
        let axisY = Self.height - Self.bottom
        svg += ##"<line x1="\##(Self.left)" y1="\##(axisY)" x2="\##(Self.width - 8)" y2="\##(axisY)" stroke="#8a93a3" stroke-width="1"/>"##
        svg += ##"<text x="\##(Self.left - 6)" y="\##(Self.top + 9)" text-anchor="end" font-size="11" fill="#5b6474">\##(maximum)</text>"##
        svg += ##"<text x="\##(Self.left - 6)" y="\##(axisY)" text-anchor="end" font-size="11" fill="#5b6474">0</text>"##
        if bars.isEmpty {
            svg += ##"<text x="\##(Self.width / 2)" y="\##(Self.height / 2)" text-anchor="middle" font-size="13" fill="#5b6474">\##(Self.escape(emptyText))</text>"##
        }
        let slot = plotWidth / Double(max(bars.count, 1))
        let barWidth = max(slot * 0.8, 1)
        for (index, bar) in bars.enumerated() {
            let height = Double(bar.value) / Double(maximum) * plotHeight
            let x = Double(Self.left) + Double(index) * slot + (slot - barWidth) / 2
            let y = Double(axisY) - height
            svg += ##"<rect class="bar" x="\##(Self.number(x))" y="\##(Self.number(y))" width="\##(Self.number(barWidth))" height="\##(Self.number(height))" fill="#3b6fd4" data-value="\##(bar.value)">"##
            svg += "<title>\(Self.escape(bar.label)): \(bar.value)</title></rect>"
            if labelEvery > 0, index % labelEvery == 0 {
                svg += ##"<text x="\##(Self.number(x + barWidth / 2))" y="\##(Self.height - 6)" text-anchor="middle" font-size="10" fill="#5b6474">\##(Self.escape(bar.label))</text>"##
            }
        }
        svg += "</svg>"
        self.svg = svg
    }

    /// One decimal, no exponent.
    static func number(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// Text and attribute values escaped for XML (and so for HTML).
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
