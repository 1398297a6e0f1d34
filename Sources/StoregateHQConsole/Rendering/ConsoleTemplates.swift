/// The console's mustache templates, kept in the source so that the binary needs no resource files beside it.
/// `{{t.key}}` is a message in the reader's language (``ConsoleMessages``); `{{{content}}}` is the page inside the
/// layout. Every value is HTML-escaped except `content`, which is a page this renderer made.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "error": error, "overview": overview, "alerts": alerts, "stores": stores, "store": store,
        "batches": batches, "batch": batch, "skus": skus, "sku": sku, "users": users, "campaigns": campaigns, "campaign": campaign,
        "campaign_drill": campaignDrill, "campaign_store_head": campaignStoreHead, "campaign_uplift": campaignUplift, "campaign_store": campaignStore,
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
        {{#canAct}}
        <details id="issue"><summary>{{t.issue_codes}}</summary>
        <p class="note">{{t.issue_note}}</p>
        <form method="post" action="/batches" id="issue-codes" class="grid">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{t.gtin}} <input name="gtin" id="issue-gtin" required pattern="[0-9]{14}" maxlength="14"></label>
        <label>{{t.count}} <input name="count" id="issue-count" type="number" min="1" max="100000" required></label>
        <label>{{t.region}} <input name="region" id="issue-region" required></label>
        <label>{{t.product}} <input name="product" id="issue-product"></label>
        <label>{{t.campaign}} <input name="campaign" id="issue-campaign" maxlength="64"></label>
        <label>{{t.reward}} <input name="reward" id="issue-reward" inputmode="decimal" placeholder="1.50"></label>
        <label>{{t.campaign_starts}} <input name="campaign_starts" id="issue-starts" type="date"></label>
        <label>{{t.campaign_ends}} <input name="campaign_ends" id="issue-ends" type="date"></label>
        <label><input name="sold_here_first" id="issue-sold-here-first" type="checkbox"> {{t.sold_here_first}}</label>
        <button type="submit" id="issue-submit">{{t.issue}}</button>
        </form></details>
        {{/canAct}}
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
        {{t.redeemed}} <b>{{redeemed}}</b> · {{t.reward}} {{reward}}</p>
        <p class="downloads"><a href="/api/batches/{{batchId}}/stores.csv">{{t.download_csv}}</a> · <a href="/api/batches/{{batchId}}">{{t.json}}</a>
        {{#canAct}} · <a href="/api/batches/{{batchId}}/codes.csv" id="codes-csv">{{t.download_codes}}</a>{{/canAct}}</p>
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
        <h2>{{t.units_per_hour}}</h2>
        <figure>{{{chart}}}</figure>
        <p class="downloads"><a href="/api/skus-hours.csv">{{t.download_csv}}</a></p>
        <table id="skus">
        <thead><tr><th>{{t.gtin}}</th><th>{{t.region}}</th><th>{{t.province}}</th><th>{{t.stores}}</th><th>{{t.units_sold}}</th>
        <th>{{t.returned}}</th><th>{{t.redemptions}}</th><th>{{t.revenue}}</th></tr></thead>
        <tbody>
        {{#page.rows}}
        <tr{{#isTotal}} class="total"{{/isTotal}}><td><a href="/skus/{{gtin}}">{{gtin}}</a></td><td>{{region}}</td><td>{{province}}</td><td class="num">{{stores}}</td>
        <td class="num">{{sold}}</td><td class="num">{{returned}}</td><td class="num">{{redemptions}}</td><td class="num">{{revenue}}</td></tr>
        {{/page.rows}}
        </tbody>
        </table>
        """

    static let sku = """
        <h1>{{t.sku}} {{page.gtin}}</h1>
        <p class="note">{{t.skus_note}}</p>
        <h2>{{t.units_per_hour}}</h2>
        <figure>{{{chart}}}</figure>
        <p class="downloads"><a href="/api/skus/{{page.gtin}}/hours.csv">{{t.download_csv}}</a> · <a href="/api/skus/{{page.gtin}}">{{t.json}}</a></p>
        <table id="sku-hours">
        <thead><tr><th>{{t.hour}}</th><th>{{t.units_sold}}</th><th>{{t.redemptions}}</th><th>{{t.revenue}}</th></tr></thead>
        <tbody>
        {{#page.hours}}
        <tr><td>{{hour}}</td><td class="num">{{sold}}</td><td class="num">{{redemptions}}</td><td class="num">{{revenue}}</td></tr>
        {{/page.hours}}
        </tbody>
        </table>
        <h2>{{t.by_region}}</h2>
        <p class="downloads"><a href="/api/skus/{{page.gtin}}/regions.csv" id="sku-regions-csv">{{t.download_csv}}</a></p>
        <table id="sku-regions">
        <thead><tr><th>{{t.region}}</th><th>{{t.province}}</th><th>{{t.city}}</th><th>{{t.stores}}</th><th>{{t.units_sold}}</th>
        <th>{{t.returned}}</th><th>{{t.redemptions}}</th><th>{{t.revenue}}</th></tr></thead>
        <tbody>
        {{#page.areas}}
        <tr class="level-{{level}}"><td>{{region}}</td><td>{{province}}</td><td>{{city}}</td><td class="num">{{stores}}</td>
        <td class="num">{{sold}}</td><td class="num">{{returned}}</td><td class="num">{{redemptions}}</td><td class="num">{{revenue}}</td></tr>
        {{/page.areas}}
        </tbody>
        </table>
        """

    static let users = """
        <h1>{{t.users}}</h1>
        <p class="note">{{t.users_note}}</p>
        <p class="downloads"><a href="/api/users.csv">{{t.download_csv}}</a> · <a href="/api/users">{{t.json}}</a></p>
        <table id="users">
        <thead><tr><th>{{t.user}}</th><th>{{t.role}}</th><th>{{t.state}}</th><th>{{t.created}}</th><th>{{t.open_sessions}}</th><th>{{t.recent_failures}}</th>
        <th>{{t.change_role}}</th><th></th></tr></thead>
        <tbody>
        {{#page.users}}
        <tr id="user-{{name}}"><td>{{name}}</td><td class="role">{{role}}</td><td class="state">{{state}}</td><td>{{created}}</td>
        <td class="num">{{openSessions}}</td><td class="num">{{recentFailures}}</td>
        <td>{{#canManage}}<form method="post" action="/users/{{name}}/role" class="role-form"><input type="hidden" name="csrf" value="{{csrf}}">
        <select name="role">{{#roles}}<option value="{{.}}">{{.}}</option>{{/roles}}</select><button type="submit">{{t.change_role}}</button></form>{{/canManage}}</td>
        <td>{{#canManage}}{{^disabled}}<form method="post" action="/users/{{name}}/disable" class="disable-form"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.disable}}</button></form>{{/disabled}}
        {{#disabled}}<form method="post" action="/users/{{name}}/enable" class="enable-form"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.enable}}</button></form>{{/disabled}}{{/canManage}}</td></tr>
        {{/page.users}}
        </tbody>
        </table>
        <h2>{{t.add_user}}</h2>
        <form method="post" action="/users" id="add-user" class="grid">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{t.user}} <input name="name" id="add-user-name" required maxlength="64"></label>
        <label>{{t.role}} <select name="role" id="add-user-role">{{#roles}}<option value="{{.}}">{{.}}</option>{{/roles}}</select></label>
        <label>{{t.password}} <input name="password" id="add-user-password" type="password" autocomplete="new-password" required minlength="8" maxlength="72"></label>
        <button type="submit" id="add-user-submit">{{t.add}}</button>
        </form>
        """

    static let campaigns = """
        <h1>{{t.campaigns}}</h1>
        <p class="note">{{t.campaigns_note}}</p>
        <p class="downloads"><a href="/api/campaigns.csv" id="campaigns-csv">{{t.download_csv}}</a> · <a href="/api/campaigns">{{t.json}}</a></p>
        {{^page.campaigns}}<p>{{t.no_campaigns}}</p>{{/page.campaigns}}
        <table id="campaigns">
        <thead><tr><th>{{t.campaign}}</th><th>{{t.redemptions_today}}</th><th>{{t.redemptions_7_days}}</th><th>{{t.stores_7_days}}</th>
        <th>{{t.codes_issued}}</th><th>{{t.codes_distributed}}</th><th>{{t.redeemed}}</th><th>{{t.redemption_rate}}</th><th>{{t.reward_cost}}</th>
        <th>{{t.runs}}</th></tr></thead>
        <tbody>
        {{#page.campaigns}}
        <tr><td><a href="/campaigns/{{pathSegment}}">{{campaign}}</a></td><td class="num">{{redemptionsToday}}</td><td class="num">{{weekRedemptions}}</td>
        <td class="num">{{weekStores}}</td><td class="num">{{codesIssued}}</td><td class="num">{{codesDistributed}}</td>
        <td class="num">{{codesRedeemed}}</td><td class="num">{{redemptionRate}}</td><td class="num">{{rewardCost}}</td><td>{{runs}}</td></tr>
        {{/page.campaigns}}
        </tbody>
        </table>
        """

    static let campaign = """
        {{#page.campaigns}}
        <h1>{{t.campaign}} {{campaign}}</h1>
        <p>{{t.redemptions_today}} <b id="redemptions-today">{{redemptionsToday}}</b> · {{t.redemptions_7_days}} <b id="redemptions-week">{{weekRedemptions}}</b> ·
        {{t.codes_distributed}} {{codesDistributed}} · {{t.redeemed}} {{codesRedeemed}} · {{t.redemption_rate}} <b id="redemption-rate">{{redemptionRate}}</b> ·
        {{t.reward_cost}} <b id="reward-cost">{{rewardCost}}</b> · {{t.runs}} {{runs}}</p>
        <p class="downloads"><a href="/api/campaigns/{{pathSegment}}">{{t.json}}</a> ·
        <a href="/campaigns/{{pathSegment}}/regions" id="drill-regions">{{t.drill_region}}</a> ·
        <a href="/campaigns/{{pathSegment}}/distributors" id="drill-distributors">{{t.drill_distributor}}</a> ·
        <a href="/campaigns/{{pathSegment}}/uplift" id="campaign-uplift">{{t.uplift_link}}</a></p>
        {{/page.campaigns}}
        <h2>{{t.redemptions_per_hour}}</h2>
        <figure>{{{hoursChart}}}</figure>
        {{#page.campaigns}}<p class="downloads"><a href="/api/campaigns/{{pathSegment}}/hours.csv">{{t.download_csv}}</a></p>{{/page.campaigns}}
        <h2>{{t.redemptions_per_day}}</h2>
        <figure>{{{daysChart}}}</figure>
        {{#page.campaigns}}<p class="downloads"><a href="/api/campaigns/{{pathSegment}}/days.csv">{{t.download_csv}}</a></p>{{/page.campaigns}}
        <h2>{{t.by_area}}</h2>
        {{#page.campaigns}}<p class="downloads"><a href="/api/campaigns/{{pathSegment}}/areas.csv">{{t.download_csv}}</a></p>{{/page.campaigns}}
        <table id="areas">
        <thead><tr><th>{{t.province}}</th><th>{{t.redemptions_7_days}}</th><th>{{t.units_sold}}</th><th>{{t.stores}}</th></tr></thead>
        <tbody>
        {{#page.areas}}
        <tr class="level-{{level}}"><td>{{province}}</td>
        <td class="num">{{redemptions}}</td><td class="num">{{sold}}</td><td class="num">{{stores}}</td></tr>
        {{/page.areas}}
        </tbody>
        </table>
        """

    static let campaignUplift = """
        <h1>{{t.campaign}} <a href="/campaigns/{{page.pathSegment}}">{{page.campaign}}</a> · {{t.uplift}}</h1>
        <p class="downloads"><a href="/api/campaigns/{{page.pathSegment}}/uplift">{{t.json}}</a></p>
        {{#page.uplift}}
        <h2>{{t.uplift}}: <span id="uplift">{{uplift}}</span></h2>
        <p class="note">{{t.uplift_note}}</p>
        <p>{{t.period}} {{periodStart}} · {{t.before}} {{beforeStart}} · {{t.gtin}} {{#gtins}}<a href="/skus/{{.}}">{{.}}</a> {{/gtins}}</p>
        <table id="uplift-table">
        <thead><tr><th>{{t.group}}</th><th>{{t.stores}}</th><th>{{t.period}}</th><th>{{t.before}}</th><th>{{t.per_store_period}}</th>
        <th>{{t.per_store_before}}</th><th>{{t.vs_before}}</th></tr></thead>
        <tbody>
        {{#participating}}<tr id="uplift-participating"><th>{{t.participating}}</th><td class="num">{{stores}}</td><td class="num">{{soldPeriod}}</td>
        <td class="num">{{soldBefore}}</td><td class="num">{{perStorePeriod}}</td><td class="num">{{perStoreBefore}}</td><td class="num">{{growth}}</td></tr>{{/participating}}
        {{#others}}<tr id="uplift-others"><th>{{t.others}}</th><td class="num">{{stores}}</td><td class="num">{{soldPeriod}}</td>
        <td class="num">{{soldBefore}}</td><td class="num">{{perStorePeriod}}</td><td class="num">{{perStoreBefore}}</td><td class="num">{{growth}}</td></tr>{{/others}}
        </tbody>
        </table>
        <p>{{t.vs_others}} <b id="vs-others">{{vsOthers}}</b> · {{t.vs_before}} <b id="vs-before">{{vsBefore}}</b> · {{t.uplift}} <b>{{uplift}}</b></p>
        {{/page.uplift}}
        <h2>{{t.top_stores}}</h2>
        <p class="downloads"><a href="/api/campaigns/{{page.pathSegment}}/uplift/stores.csv" id="stores-csv">{{t.download_csv}}</a></p>
        <table id="top-stores">
        {{> campaign_store_head}}
        <tbody>{{#page.topStores}}{{> campaign_store}}{{/page.topStores}}</tbody>
        </table>
        <h2>{{t.bottom_stores}}</h2>
        <table id="bottom-stores">
        {{> campaign_store_head}}
        <tbody>{{#page.bottomStores}}{{> campaign_store}}{{/page.bottomStores}}</tbody>
        </table>
        """

    /// A table of a campaign's stores (top and bottom): its head, and one store's row.
    static let campaignStoreHead = """
        <thead><tr><th>{{t.id}}</th><th>{{t.store}}</th><th>{{t.name}}</th><th>{{t.province}}</th><th>{{t.city}}</th><th>{{t.distributor}}</th>
        <th>{{t.redemptions}}</th><th>{{t.campaign_units}}</th></tr></thead>
        """

    static let campaignStore = """
        <tr><td>{{rank}}</td><td><a href="/stores/{{storeId}}">{{storeId}}</a></td><td>{{name}}</td><td>{{province}}</td><td>{{city}}</td><td>{{distributor}}</td>
        <td class="num">{{redemptions}}</td><td class="num">{{sold}}</td></tr>
        """

    static let campaignDrill = """
        <h1>{{t.campaign}} <a href="/campaigns/{{page.pathSegment}}">{{page.campaign}}</a> · {{page.levelLabel}}</h1>
        <p class="note">{{t.drill_note}}</p>
        <nav class="crumbs" id="crumbs">{{#page.crumbs}}<a href="{{link}}">{{label}}</a> › {{/page.crumbs}}</nav>
        <p class="downloads"><a href="{{page.csvLink}}" id="drill-csv">{{t.download_csv}}</a> · <a href="{{page.jsonLink}}" id="drill-json">{{t.json}}</a></p>
        <table id="drill" data-level="{{page.level}}">
        <thead><tr><th>{{page.levelLabel}}</th><th>{{t.redemptions_7_days}}</th><th>{{t.units_sold}}</th><th>{{t.stores}}</th></tr></thead>
        <tbody>
        {{#page.rows}}
        <tr><td><a href="{{link}}">{{label}}</a></td><td class="num">{{redemptions}}</td><td class="num">{{sold}}</td><td class="num">{{stores}}</td></tr>
        {{/page.rows}}
        {{#page.total}}<tr class="total"><td>{{label}}</td><td class="num">{{redemptions}}</td><td class="num">{{sold}}</td><td class="num">{{stores}}</td></tr>{{/page.total}}
        </tbody>
        </table>
        """
}
