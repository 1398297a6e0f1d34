/// The console's mustache templates, kept in the source so that the binary needs no resource files beside it.
/// `{{t.key}}` is a message in the reader's language (``ConsoleMessages``); `{{{content}}}` is the page inside the
/// layout. Every value is HTML-escaped except `content`, which is a page this renderer made.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "error": error, "overview": overview, "alerts": alerts, "stores": stores, "store": store,
        "batches": batches, "batch": batch, "skus": skus, "users": users, "campaigns": campaigns, "campaign": campaign,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{t.console}}</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/static/console.css">
        </head>
        <body>
        <header>
        <strong class="brand">{{t.console}}</strong>
        {{#user}}
        <nav><a href="/">{{t.overview}}</a> <a href="/alerts">{{t.alerts}}</a> <a href="/campaigns">{{t.campaigns}}</a> <a href="/stores">{{t.stores}}</a> <a href="/skus">{{t.skus}}</a> <a href="/batches">{{t.batches}}</a>{{#isAdmin}} <a href="/users">{{t.users}}</a>{{/isAdmin}}</nav>
        <form method="post" action="/logout" class="signout">
        <span>{{t.signed_in_as}} <b id="user">{{user}}</b> (<span id="role">{{role}}</span>)</span>
        <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="sign-out">{{t.sign_out}}</button>
        </form>
        {{/user}}
        </header>
        <main>
        {{{content}}}
        </main>
        <script src="/static/console.js"></script>
        </body>
        </html>
        """

    static let login = """
        <h1>{{t.sign_in}}</h1>
        {{#message}}<p class="error" id="error">{{message}}</p>{{/message}}
        <form method="post" action="/login" id="login">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{t.user}} <input name="user" id="login-user" autocomplete="username" required></label>
        <label>{{t.password}} <input name="password" id="login-password" type="password" autocomplete="current-password" required></label>
        <button type="submit" id="login-submit">{{t.sign_in}}</button>
        </form>
        """

    static let error = """
        <h1>{{t.error}} {{status}}</h1>
        <p class="error" id="error">{{message}}</p>
        <p><a href="/">{{t.back}}</a></p>
        """

    static let overview = """
        <h1>{{t.overview}}</h1>
        <p class="note">{{t.overview_note}}
        <span id="live-state" data-connecting="{{t.connecting}}" data-live="{{t.live}}">{{t.connecting}}</span>
        <span id="as-of">{{page.asOf}}</span></p>
        <table id="overview" data-stream="/api/overview/stream">
        <thead><tr><th>{{t.metric}}</th><th>{{t.today}}</th><th>{{t.last_week}}</th><th>{{t.change}}</th></tr></thead>
        <tbody>
        {{#page.rows}}
        <tr data-key="{{key}}"><th>{{label}}</th><td class="num" id="today-{{key}}">{{today}}</td>
        <td class="num" id="last-week-{{key}}">{{lastWeek}}</td><td class="num" id="change-{{key}}">{{change}}</td></tr>
        {{/page.rows}}
        </tbody>
        </table>
        <p class="alerts-line"><a href="/alerts">{{t.open_alerts}}: <b id="open-alerts">{{page.openAlerts}}</b></a>
        (<span id="unacknowledged-alerts">{{page.unacknowledgedAlerts}}</span> {{t.unacknowledged}})</p>
        <p class="downloads"><a href="/api/overview.csv" id="overview-csv">{{t.download_csv}}</a> · <a href="/api/overview">{{t.json}}</a></p>
        """

    static let alerts = """
        <h1>{{t.alerts}}</h1>
        <p class="downloads"><a href="/alerts">{{t.open_only}}</a> · <a href="/alerts?state=all">{{t.all}}</a> ·
        <a href="/api/alerts.csv?state={{page.state}}" id="alerts-csv">{{t.download_csv}}</a> · <a href="/api/alerts?state={{page.state}}">{{t.json}}</a></p>
        {{^canAct}}<p class="note" id="read-only">{{t.viewer_read_only}}</p>{{/canAct}}
        {{^page.alerts}}<p id="no-alerts">{{t.no_alerts}}</p>{{/page.alerts}}
        {{^empty(page.alerts)}}
        <table id="alerts">
        <thead><tr><th>{{t.id}}</th><th>{{t.kind}}</th><th>{{t.store}}</th><th>{{t.gateway}}</th><th>{{t.code}}</th><th>{{t.raised}}</th>
        <th>{{t.resolved}}</th><th>{{t.acknowledged_by}}</th><th>{{t.acknowledged}}</th><th>{{t.note}}</th><th>{{t.details}}</th><th></th></tr></thead>
        <tbody>
        {{/empty(page.alerts)}}
        {{#page.alerts}}
        <tr id="alert-{{id}}"><td>{{id}}</td><td title="{{kind}}">{{kindLabel}}</td><td>{{#storeId}}<a href="/stores/{{storeId}}">{{storeId}}</a>{{/storeId}}</td>
        <td>{{gatewayId}}</td><td class="code">{{code}}</td><td>{{raised}}</td><td>{{resolved}}</td>
        <td class="acknowledged-by">{{acknowledgedBy}}</td><td>{{acknowledged}}</td><td class="note">{{note}}</td><td class="details">{{details}}</td>
        <td>{{#canAcknowledge}}<form method="post" action="/alerts/{{id}}/acknowledge" class="ack">
        <input type="hidden" name="csrf" value="{{csrf}}"><input name="note" required maxlength="500" placeholder="{{t.note}}">
        <button type="submit">{{t.acknowledge}}</button></form>{{/canAcknowledge}}</td></tr>
        {{/page.alerts}}
        {{^empty(page.alerts)}}
        </tbody>
        </table>
        {{/empty(page.alerts)}}
        """

    static let stores = """
        <h1>{{t.stores}}</h1>
        <p class="downloads"><a href="/api/stores.csv" id="stores-csv">{{t.download_csv}}</a> · <a href="/api/stores">{{t.json}}</a></p>
        <table id="stores">
        <thead><tr><th>{{t.store}}</th><th>{{t.name}}</th><th>{{t.region}}</th><th>{{t.city}}</th><th>{{t.health}}</th>
        <th>{{t.gateways}}</th><th>{{t.backlog}}</th><th>{{t.oldest_undelivered}}</th><th>{{t.last_heartbeat}}</th><th>{{t.scanners}}</th>
        <th>{{t.sold_today}}</th><th>{{t.redemptions_today}}</th><th>{{t.revenue_today}}</th></tr></thead>
        <tbody>
        {{#page.stores}}
        <tr id="store-{{storeId}}"><td><a href="/stores/{{storeId}}">{{storeId}}</a></td><td>{{name}}</td><td>{{region}}</td><td>{{city}}</td>
        <td class="health {{health}}">{{healthLabel}}</td><td class="num">{{count(gateways)}}</td><td class="num">{{backlog}}</td>
        <td>{{oldestUndelivered}}</td><td>{{lastHeartbeat}}</td><td>{{scannerSummary}}</td>
        <td class="num">{{soldToday}}</td><td class="num">{{redemptionsToday}}</td><td class="num">{{revenueToday}}</td></tr>
        {{/page.stores}}
        </tbody>
        </table>
        """

    static let store = """
        {{#page.store}}
        <h1>{{name}} <small>{{storeId}}</small></h1>
        <p>{{region}} · {{province}} {{city}} {{county}} · {{t.distributor}} {{distributor}} · {{t.time_zone}} {{timeZone}}</p>
        <p>{{t.health}}: <b class="health {{health}}" id="store-health">{{healthLabel}}</b> · {{t.sold_today}} <b>{{soldToday}}</b> ·
        {{t.redemptions_today}} <b>{{redemptionsToday}}</b> · {{t.revenue_today}} <b>{{revenueToday}}</b></p>
        <h2>{{t.gateways}}</h2>
        <p class="downloads"><a href="/api/stores/{{storeId}}/gateways.csv">{{t.download_csv}}</a> · <a href="/api/stores/{{storeId}}">{{t.json}}</a></p>
        <table id="gateways">
        <thead><tr><th>{{t.gateway}}</th><th>{{t.health}}</th><th>{{t.version}}</th><th>{{t.backlog}}</th><th>{{t.oldest_undelivered}}</th>
        <th>{{t.last_status}}</th><th>{{t.last_heartbeat}}</th><th>{{t.last_sync}}</th><th>{{t.scanners}}</th></tr></thead>
        <tbody>
        {{#gateways}}
        <tr><td>{{gatewayId}}</td><td class="health {{health}}">{{healthLabel}}</td><td>{{version}}</td><td class="num">{{backlog}}</td>
        <td>{{oldestUndelivered}}</td><td>{{lastStatus}}</td><td>{{lastHeartbeat}}</td><td>{{lastSync}}</td>
        <td>{{#scanners}}<div>{{source}} · {{lane}} · {{role}}: {{state}}</div>{{/scanners}}</td></tr>
        {{/gateways}}
        </tbody>
        </table>
        {{/page.store}}
        <h2>{{t.today_by_hour}}</h2>
        <p class="downloads"><a href="/api/stores/{{page.store.storeId}}/hours.csv">{{t.download_csv}}</a></p>
        <table id="hours">
        <thead><tr><th>{{t.hour}}</th><th>{{t.events}}</th><th>{{t.units_sold}}</th><th>{{t.redemptions}}</th><th>{{t.revenue}}</th>
        <th>{{t.rejections}}</th></tr></thead>
        <tbody>
        {{#page.hours}}
        <tr><td>{{hour}}</td><td class="num">{{events}}</td><td class="num">{{sold}}</td><td class="num">{{redemptions}}</td>
        <td class="num">{{revenue}}</td><td class="num">{{rejections}}</td></tr>
        {{/page.hours}}
        </tbody>
        </table>
        <h2>{{t.open_alerts}}</h2>
        {{^page.alerts}}<p>{{t.no_alerts}}</p>{{/page.alerts}}
        <ul>{{#page.alerts}}<li><a href="/alerts#alert-{{id}}">{{kindLabel}}</a> {{gatewayId}} {{code}} · {{raised}}</li>{{/page.alerts}}</ul>
        """

    static let batches = """
        <h1>{{t.batches}}</h1>
        <p class="downloads"><a href="/api/batches.csv" id="batches-csv">{{t.download_csv}}</a> · <a href="/api/batches">{{t.json}}</a></p>
        {{^page.batches}}<p>{{t.no_batches}}</p>{{/page.batches}}
        <table id="batches">
        <thead><tr><th>{{t.batch}}</th><th>{{t.gtin}}</th><th>{{t.campaign}}</th><th>{{t.region}}</th><th>{{t.codes}}</th><th>{{t.issued}}</th>
        <th>{{t.stores}}</th><th>{{t.stores_applied}}</th><th>{{t.stores_rejected}}</th><th>{{t.stores_waiting}}</th><th>{{t.redeemed}}</th></tr></thead>
        <tbody>
        {{#page.batches}}
        <tr id="batch-{{batchId}}"><td><a href="/batches/{{batchId}}">{{batchId}}</a></td><td>{{gtin}}</td><td>{{campaign}}</td><td>{{region}}</td>
        <td class="num">{{codes}}</td><td>{{issued}}</td><td class="num">{{stores}}</td><td class="num">{{storesApplied}}</td>
        <td class="num">{{storesRejected}}</td><td class="num">{{storesWaiting}}</td><td class="num">{{redeemed}}</td></tr>
        {{/page.batches}}
        </tbody>
        </table>
        """

    static let batch = """
        {{#page.batches}}
        <h1>{{t.batch}} {{batchId}}</h1>
        <p>{{t.gtin}} {{gtin}} · {{t.campaign}} {{campaign}} · {{t.region}} {{region}} · {{t.codes}} {{codes}} · {{t.issued}} {{issued}} ·
        {{t.redeemed}} <b>{{redeemed}}</b></p>
        <p class="downloads"><a href="/api/batches/{{batchId}}/stores.csv">{{t.download_csv}}</a> · <a href="/api/batches/{{batchId}}">{{t.json}}</a></p>
        {{/page.batches}}
        <table id="batch-stores">
        <thead><tr><th>{{t.store}}</th><th>{{t.name}}</th><th>{{t.state}}</th><th>{{t.messages}}</th><th>{{t.codes}}</th><th>{{t.reason}}</th>
        <th>{{t.updated}}</th></tr></thead>
        <tbody>
        {{#page.stores}}
        <tr><td><a href="/stores/{{storeId}}">{{storeId}}</a></td><td>{{name}}</td><td class="state {{state}}">{{state}}</td>
        <td class="num">{{messages}}</td><td class="num">{{codes}}</td><td>{{reason}}</td><td>{{updated}}</td></tr>
        {{/page.stores}}
        </tbody>
        </table>
        """

    static let skus = """
        <h1>{{t.skus}}</h1>
        <p class="note">{{t.skus_note}}</p>
        <p class="downloads"><a href="/api/skus.csv" id="skus-csv">{{t.download_csv}}</a> · <a href="/api/skus">{{t.json}}</a></p>
        {{^page.rows}}<p>{{t.no_sales}}</p>{{/page.rows}}
        <table id="skus">
        <thead><tr><th>{{t.gtin}}</th><th>{{t.region}}</th><th>{{t.province}}</th><th>{{t.stores}}</th><th>{{t.units_sold}}</th>
        <th>{{t.returned}}</th><th>{{t.redemptions}}</th><th>{{t.revenue}}</th></tr></thead>
        <tbody>
        {{#page.rows}}
        <tr{{#isTotal}} class="total"{{/isTotal}}><td>{{gtin}}</td><td>{{region}}</td><td>{{province}}</td><td class="num">{{stores}}</td>
        <td class="num">{{sold}}</td><td class="num">{{returned}}</td><td class="num">{{redemptions}}</td><td class="num">{{revenue}}</td></tr>
        {{/page.rows}}
        </tbody>
        </table>
        """

    static let users = """
        <h1>{{t.users}}</h1>
        <p class="note">{{t.users_note}}</p>
        <p class="downloads"><a href="/api/users.csv">{{t.download_csv}}</a> · <a href="/api/users">{{t.json}}</a></p>
        <table id="users">
        <thead><tr><th>{{t.user}}</th><th>{{t.role}}</th><th>{{t.created}}</th><th>{{t.open_sessions}}</th><th>{{t.recent_failures}}</th></tr></thead>
        <tbody>
        {{#page.users}}
        <tr><td>{{name}}</td><td>{{role}}</td><td>{{created}}</td><td class="num">{{openSessions}}</td><td class="num">{{recentFailures}}</td></tr>
        {{/page.users}}
        </tbody>
        </table>
        """

    static let campaigns = """
        <h1>{{t.campaigns}}</h1>
        <p class="note">{{t.campaigns_note}}</p>
        <p class="downloads"><a href="/api/campaigns.csv" id="campaigns-csv">{{t.download_csv}}</a> · <a href="/api/campaigns">{{t.json}}</a></p>
        {{^page.campaigns}}<p>{{t.no_campaigns}}</p>{{/page.campaigns}}
        <table id="campaigns">
        <thead><tr><th>{{t.campaign}}</th><th>{{t.redemptions_today}}</th><th>{{t.redemptions_7_days}}</th><th>{{t.stores_7_days}}</th>
        <th>{{t.codes_issued}}</th><th>{{t.codes_distributed}}</th><th>{{t.redeemed}}</th><th>{{t.redemption_rate}}</th></tr></thead>
        <tbody>
        {{#page.campaigns}}
        <tr><td><a href="/campaigns/{{pathSegment}}">{{campaign}}</a></td><td class="num">{{redemptionsToday}}</td><td class="num">{{weekRedemptions}}</td>
        <td class="num">{{weekStores}}</td><td class="num">{{codesIssued}}</td><td class="num">{{codesDistributed}}</td>
        <td class="num">{{codesRedeemed}}</td><td class="num">{{redemptionRate}}</td></tr>
        {{/page.campaigns}}
        </tbody>
        </table>
        """

    static let campaign = """
        {{#page.campaigns}}
        <h1>{{t.campaign}} {{campaign}}</h1>
        <p>{{t.redemptions_today}} <b>{{redemptionsToday}}</b> · {{t.redemptions_7_days}} <b>{{weekRedemptions}}</b> ·
        {{t.codes_distributed}} {{codesDistributed}} · {{t.redemption_rate}} <b>{{redemptionRate}}</b></p>
        <p class="downloads"><a href="/api/campaigns/{{pathSegment}}/areas.csv">{{t.download_csv}}</a> · <a href="/api/campaigns/{{pathSegment}}">{{t.json}}</a></p>
        {{/page.campaigns}}
        <h2>{{t.by_area}}</h2>
        <table id="areas">
        <thead><tr><th>{{t.province}}</th><th>{{t.city}}</th><th>{{t.county}}</th><th>{{t.store}}</th><th>{{t.redemptions_7_days}}</th>
        <th>{{t.units_sold}}</th><th>{{t.stores}}</th></tr></thead>
        <tbody>
        {{#page.areas}}
        <tr class="level-{{level}}"><td>{{province}}</td><td>{{city}}</td><td>{{county}}</td>
        <td>{{#storeId}}<a href="/stores/{{storeId}}">{{storeId}}</a>{{/storeId}}</td>
        <td class="num">{{redemptions}}</td><td class="num">{{sold}}</td><td class="num">{{stores}}</td></tr>
        {{/page.areas}}
        </tbody>
        </table>
        """
}
