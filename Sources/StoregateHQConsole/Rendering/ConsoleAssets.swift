import Hummingbird

/// The console's style sheet and its one script (the overview's live numbers over Server-Sent Events), served from
/// the binary. No build step, no library: the script only replaces the text of cells the server rendered.
enum ConsoleAssets {
    static let css = """
        body { font: 14px/1.45 system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
        header { display: flex; gap: 1.5em; align-items: center; padding: .6em 1.2em; background: #1d2330; color: #fff; }
        header a { color: #cfe0ff; margin-right: 1em; text-decoration: none; }
        header .signout { margin-left: auto; display: flex; gap: .6em; align-items: center; }
        main { padding: 1em 1.2em; }
        h1 { font-size: 1.4em; margin: .2em 0 .6em; }
        table { border-collapse: collapse; background: #fff; margin-bottom: 1em; }
        th, td { border: 1px solid #dde1e8; padding: .35em .6em; text-align: left; vertical-align: top; }
        thead th { background: #eef1f5; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        #overview td.num { font-size: 1.5em; min-width: 6em; }
        td.details, td.code { font-family: ui-monospace, monospace; font-size: .85em; max-width: 28em; overflow-wrap: anywhere; }
        .health.online { color: #18794e; } .health.offline, .health.stale { color: #c62828; font-weight: bold; }
        tr.level-all td, tr.level-province td { font-weight: bold; background: #f3f5f8; }
        tr.total td { font-weight: bold; background: #f3f5f8; }
        .error { color: #c62828; font-weight: bold; }
        .note { color: #5b6474; }
        form.ack { display: flex; gap: .3em; }
        #login { display: grid; gap: .6em; max-width: 20em; }
        form.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(14em, 1fr)); gap: .6em; max-width: 60em; margin: .6em 0 1em; }
        form.grid label { display: flex; flex-direction: column; gap: .2em; }
        form.role-form, form.disable-form, form.enable-form { display: inline-flex; gap: .3em; margin: 0; }
        figure { margin: 0 0 .6em; }
        svg.chart { background: #fff; border: 1px solid #dde1e8; max-width: 100%; height: auto; }
        svg.chart rect.bar:hover { fill: #1d4fb0; }
        nav.crumbs { margin: .4em 0; }
        #live-state { padding: 0 .4em; border-radius: 3px; background: #e3f2e8; color: #18794e; }
        """

    static let javaScript = """
        (function () {
          "use strict";
          var table = document.getElementById("overview");
          if (!table || !window.EventSource) { return; }
          var state = document.getElementById("live-state");
          function set(id, value) {
            var element = document.getElementById(id);
            if (element && element.textContent !== String(value)) { element.textContent = value; }
          }
          var source = new EventSource(table.getAttribute("data-stream"));
          source.addEventListener("overview", function (event) {
            var page = JSON.parse(event.data);
            page.rows.forEach(function (row) {
              set("today-" + row.key, row.today);
              set("last-week-" + row.key, row.last_week);
              set("change-" + row.key, row.change);
            });
            set("open-alerts", page.open_alerts);
            set("unacknowledged-alerts", page.unacknowledged_alerts);
            set("as-of", page.as_of);
            state.textContent = state.getAttribute("data-live");
          });
          source.onerror = function () { state.textContent = state.getAttribute("data-connecting"); };
          window.addEventListener("pagehide", function () { source.close(); });
        })();
        """

    static func response(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
