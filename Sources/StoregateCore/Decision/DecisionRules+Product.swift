extension DecisionRules {
    /// Products (EAN/UPC, a GTIN without serial) are not units: sales are counted, nothing else is tracked.
    static func decideProduct(code: ParsedCode, operation: Operation) -> Decision {
        let name = code.gtin ?? code.id ?? "product"
        switch operation {
        case .verify:
            return Decision(result: .accepted, reason: "Product \(name): a retail product code, not a serialised unit.")
        case .sell:
            return Decision(result: .accepted, reason: "Product \(name) sold (counted; products have no unit state).",
                            effect: .countProductSale)
        case .receive:
            return Decision(result: .accepted, reason: "Product \(name): products are counted at sale; nothing to record.")
        case .redeem:
            return Decision(result: .notRedeemable,
                            reason: "Product \(name) is a retail barcode, not a prize code; scan the code under the cap or on the pack.")
        case .void:
            return Decision(result: .nothingToUndo,
                            reason: "Product sales are not tracked per unit; void the line on the POS.")
        }
    }
}
