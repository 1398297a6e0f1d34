import Mustache

/// A view model as the templates see it: each struct's stored properties by name, reflected once. swift-mustache
/// reflects an object again for every tag it looks up (all its properties each time), which made the stores page
/// spend ~250 ms on 1,000 rows; a dictionary lookup costs next to nothing.
struct TemplateValue: MustacheParent {
    private var children: [String: Any] = [:]

    init(reflecting value: Any) {
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, let wrapped = Self.wrap(child.value) else { continue }
            self.children[label] = wrapped
        }
    }

    func child(named name: String) -> Any? { self.children[name] }

    /// Structs become ``TemplateValue``s, arrays their elements' values, optionals their value (or nothing, so that
    /// a section on a nil is false); strings, numbers, booleans and dictionaries stay as they are.
    static func wrap(_ value: Any) -> Any? {
        switch value {
        case is String, is Bool, is Int, is Int64, is Int32, is Double, is [String: String]: return value
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional: return mirror.children.first.flatMap { Self.wrap($0.value) }
        case .collection: return mirror.children.compactMap { Self.wrap($0.value) }
        case .struct, .class: return TemplateValue(reflecting: value)
        default: return value
        }
    }
}
