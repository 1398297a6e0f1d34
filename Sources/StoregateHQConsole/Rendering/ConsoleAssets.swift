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
