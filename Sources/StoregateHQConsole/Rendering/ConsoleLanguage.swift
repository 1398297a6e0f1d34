import Foundation

/// The console's two languages, chosen from the browser's `Accept-Language` (the highest-weighted one the console
/// speaks; English when it names neither).
enum ConsoleLanguage: String, Sendable {
    case english = "en"
    case simplifiedChinese = "zh-Hans"

    init(acceptLanguage: String?) {
        var best: (ConsoleLanguage, Double)?
        for item in (acceptLanguage ?? "").split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = parts.first, !tag.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") { weight = Double(parameter.dropFirst(2)) ?? 0 }
            let language: ConsoleLanguage? =
                tag == "zh" || tag.hasPrefix("zh-cn") || tag.hasPrefix("zh-hans") || tag.hasPrefix("zh-sg") ? .simplifiedChinese
                : tag.hasPrefix("en") ? .english : nil
            if let language, weight > 0, weight > (best?.1 ?? 0) { best = (language, weight) }
        }
        self = best?.0 ?? .english
    }

    /// The message for `key` in this language (the key itself if the catalogue lacks it, so a gap shows, not blank).
    func callAsFunction(_ key: String) -> String {
        guard let entry = ConsoleMessages.catalogue[key] else { return key }
        return self == .english ? entry.english : entry.chinese
    }

    /// Every message in this language, for the templates (`{{t.key}}`).
    var messages: [String: String] {
        ConsoleMessages.catalogue.mapValues { self == .english ? $0.english : $0.chinese }
    }
}

/// The console's message catalogue: one entry per key, in English and Simplified Chinese.
enum ConsoleMessages {
    static let catalogue: [String: (english: String, chinese: String)] = [
        "console": ("storegate HQ", "storegate 总部"),
        "overview": ("Overview", "总览"),
        "alerts": ("Alerts", "告警"),
        "stores": ("Stores", "门店"),
        "sign_in": ("Sign in", "登录"),
        "sign_out": ("Sign out", "退出"),
        "user": ("User", "用户"),
        "password": ("Password", "密码"),
        "signed_in_as": ("Signed in as", "当前用户"),
        "download_csv": ("CSV", "下载 CSV"),
        "json": ("JSON", "JSON"),
        "live": ("live", "实时"),
        "connecting": ("connecting…", "连接中…"),
        "metric": ("Metric", "指标"),
        "today": ("Today so far", "今日至今"),
        "last_week": ("Same weekday last week", "上周同日同时段"),
        "change": ("Change", "变化"),
        "redemptions": ("Redemptions", "核销数"),
        "units_sold": ("Units sold", "销售件数"),
        "revenue": ("Revenue", "销售额"),
        "active_stores": ("Active stores", "活跃门店"),
        "open_alerts": ("Open alerts", "未处理告警"),
        "unacknowledged": ("not acknowledged", "未确认"),
        "overview_note": ("Each store's day in its own time zone; last week up to the same hour.",
                          "按各门店所在时区计日；上周数据截至同一小时。"),
        "id": ("#", "编号"),
        "kind": ("Kind", "类型"),
        "store": ("Store", "门店"),
        "gateway": ("Gateway", "网关"),
        "code": ("Code", "码"),
        "raised": ("Raised", "发生时间"),
        "resolved": ("Resolved", "解决时间"),
        "acknowledged_by": ("Acknowledged by", "确认人"),
        "acknowledged": ("Acknowledged", "确认时间"),
        "note": ("Note", "备注"),
        "details": ("Details", "详情"),
        "acknowledge": ("Acknowledge", "确认"),
        "open_only": ("Open", "未解决"),
        "all": ("All", "全部"),
        "no_alerts": ("No alerts.", "没有告警。"),
        "viewer_read_only": ("Viewers read; operators acknowledge.", "查看者只读；操作员可确认告警。"),
        "name": ("Name", "名称"),
        "region": ("Region", "区域"),
        "province": ("Province", "省"),
        "city": ("City", "市"),
        "county": ("County", "区县"),
        "distributor": ("Distributor", "经销商"),
        "time_zone": ("Time zone", "时区"),
        "health": ("Health", "状态"),
        "gateways": ("Gateways", "网关"),
        "backlog": ("Backlog", "待上传"),
        "oldest_undelivered": ("Oldest undelivered", "最早未送达"),
        "last_heartbeat": ("Last heartbeat", "最近心跳"),
        "last_status": ("Last status", "最近状态"),
        "last_sync": ("Last sync", "最近同步"),
        "scanners": ("Scanners", "扫码枪"),
        "version": ("Version", "版本"),
        "sold_today": ("Sold today", "今日销量"),
        "redemptions_today": ("Redemptions today", "今日核销"),
        "revenue_today": ("Revenue today", "今日销售额"),
        "hour": ("Hour", "小时"),
        "events": ("Events", "事件"),
        "rejections": ("Rejections", "拒绝"),
        "today_by_hour": ("Today by hour", "今日分时"),
        "online": ("online", "在线"),
        "offline": ("offline", "离线"),
        "stale": ("not heard from", "失联"),
        "unknown": ("no gateway", "无网关"),
        "kind_double_redemption": ("Double redemption", "重复核销"),
        "kind_chain_broken": ("Chain broken", "事件链断裂"),
        "kind_sequence_conflict": ("Sequence conflict", "序号冲突"),
        "kind_topic_mismatch": ("Topic mismatch", "主题不符"),
        "kind_invalid_event": ("Invalid event", "无效事件"),
        "kind_gap_unfilled": ("Gap not filled", "缺失未补齐"),
        "kind_gateway_offline": ("Gateway offline", "网关离线"),
        "kind_gateway_behind": ("Gateway behind", "网关积压"),
        "kind_diversion": ("Diversion (窜货)", "窜货"),
        "kind_counterfeit_spike": ("Counterfeit spike", "疑似假货激增"),
        "kind_summary_mismatch": ("Sales summary mismatch", "销售汇总不符"),
        "kind_gateway_key_changed": ("Gateway key changed", "网关密钥变更"),
        "kind_head_signature_invalid": ("Head signature invalid", "日志头签名无效"),
        "kind_head_mismatch": ("Journal head mismatch", "日志头不符"),
        "kind_downlink_expired": ("Downlink message expired again", "下行消息重发后仍过期"),
        "campaigns": ("Campaigns", "活动"),
        "campaigns_note": ("Redemptions today (each store's own day) and over the last 7 days; the redemption rate is the codes of the campaign's batches redeemed ÷ the codes its stores applied.",
                           "今日（按各门店时区计日）及近 7 天核销；核销率 = 活动批次中已核销的码 ÷ 门店已接收的码。"),
        "no_campaigns": ("No campaign has redemptions or code batches yet.", "尚无活动核销或发码。"),
        "redemptions_7_days": ("Redemptions, 7 days", "近 7 天核销"),
        "stores_7_days": ("Stores redeeming, 7 days", "近 7 天核销门店"),
        "codes_issued": ("Codes issued", "已发码"),
        "codes_distributed": ("Codes at stores", "门店已接收码"),
        "redemption_rate": ("Redemption rate", "核销率"),
        "by_area": ("Last 7 days by province, city, county and store", "近 7 天按省、市、区县、门店"),
        "users": ("Users", "用户"),
        "users_note": ("Add users with `storegate-hq users add NAME --role viewer|operator|admin`.",
                       "用 `storegate-hq users add 用户名 --role viewer|operator|admin` 添加用户。"),
        "role": ("Role", "角色"),
        "created": ("Added", "添加时间"),
        "open_sessions": ("Open sessions", "有效会话"),
        "recent_failures": ("Failed logins (15 min)", "失败登录（15 分钟内）"),
        "skus": ("SKUs", "商品"),
        "skus_note": ("Today's sell-out per GTIN (each store's own day): in total, then per region and province.",
                      "今日各商品销售（按各门店时区计日）：合计及按区域、省份。"),
        "no_sales": ("No sales today yet.", "今日尚无销售。"),
        "returned": ("Returned", "退货"),
        "batches": ("Code batches", "码批次"),
        "batch": ("Batch", "批次"),
        "no_batches": ("No code batches issued yet.", "尚未发码。"),
        "gtin": ("GTIN", "商品条码"),
        "campaign": ("Campaign", "活动"),
        "codes": ("Codes", "码数"),
        "issued": ("Issued", "发码时间"),
        "stores_applied": ("Stores applied", "已应用门店"),
        "stores_rejected": ("Stores rejected", "拒绝门店"),
        "stores_waiting": ("Stores waiting", "待确认门店"),
        "redeemed": ("Redeemed", "已核销"),
        "state": ("State", "状态"),
        "messages": ("Messages", "消息数"),
        "reason": ("Reason", "原因"),
        "updated": ("Updated", "更新时间"),
        "error": ("Error", "错误"),
        "back": ("Back", "返回"),
    ]
}
