import Hummingbird

/// One CSV download of a page: the URL suffix after the page's `/api` path, and how the model becomes the file.
struct CSVExport<Model>: Sendable {
    let suffix: String
    let make: @Sendable (Model, ConsoleLanguage) -> Response

    init<Row>(_ suffix: String, _ table: CSVTable<Row>, name: @escaping @Sendable (Model) -> String,
              rows: @escaping @Sendable (Model) -> [Row]) {
        self.suffix = suffix
        self.make = { model, language in table.response(rows(model), name: name(model), language: language) }
    }
}

extension ConsoleRoutes {
    /// A page and its data, registered together so that no page lacks its JSON or its CSV: `GET path` renders
    /// `template` with the model, `GET /api{path}` is the same model as JSON, and each export is
    /// `GET /api{path}{suffix}`. `forPage` adjusts the model for the HTML only (what the signed-in user may do). A user
    /// whose role is below `requires` gets 403 on all of them. `extra` adds values for the template only (a chart's SVG).
    func registerPage<Model: Encodable & Sendable>(
        on router: Router<ConsoleRequestContext>, _ path: String, template: String, exports: [CSVExport<Model>],
        title: @escaping @Sendable (Model, ConsoleLanguage) -> String, requires: ConsoleRole = .viewer,
        forPage: @escaping @Sendable (inout Model, ConsoleRequestContext) -> Void = { _, _ in },
        extra: @escaping @Sendable (Model, ConsoleLanguage) -> [String: Any] = { _, _ in [:] },
        read: @escaping @Sendable (Request, ConsoleRequestContext) async throws -> Model
    ) {
        let read: @Sendable (Request, ConsoleRequestContext) async throws -> Model = { request, context in
            let session = try context.requireSession()
            guard session.role >= requires else {
                throw ConsoleError(.forbidden, key: "err_page_role", .text(session.user), .message("role_" + session.role.rawValue), .message("role_" + requires.rawValue))
            }
            return try await read(request, context)
        }
        router.get(RouterPath(path)) { request, context in
            var model = try await read(request, context)
            forPage(&model, context)
            var values = extra(model, context.language)
            values["page"] = model
            return self.pages.html(template, title: title(model, context.language), model: values, context: context)
        }
        router.get(RouterPath("/api" + path)) { request, context in ConsolePages.json(try await read(request, context)) }
        for export in exports {
            router.get(RouterPath("/api" + path + export.suffix)) { request, context in
                export.make(try await read(request, context), context.language)
            }
        }
    }
}
