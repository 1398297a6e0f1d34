/// The one definition of "each store's day" over the hourly rollups, as SQL the page queries splice in after a CTE
/// `b (now_at timestamptz, default_tz text)` of their own (which binds the values: this text has none).
///
/// - `zones`: each time zone's local midnight today (`today_start`) and seven days before (`week_start`), computed
///   once per zone, not per row (materialized).
/// - `today_rollups`: the rollup rows of each store's own day so far (a store HQ has no row for counts in
///   `default_tz`). Only rows of the last 26 hours are read (an index range on the hour): every zone's midnight
///   lies within them. Materialized, so that a filter of the caller's (a campaign) cannot talk the planner into
///   scanning every rollup row instead (it did: 525 ms against 40 ms, with a year of rollups for 1,000 stores).
enum RollupWindow {
    static let ctes = """
        zones AS MATERIALIZED (
            SELECT t.tz, date_trunc('day', b.now_at AT TIME ZONE t.tz) AT TIME ZONE t.tz AS today_start,
                   (date_trunc('day', b.now_at AT TIME ZONE t.tz) - interval '7 days') AT TIME ZONE t.tz AS week_start
            FROM b, (SELECT time_zone AS tz FROM stores UNION SELECT default_tz FROM b) t
        ),
        today_rollups AS MATERIALIZED (
            SELECT r.* FROM b JOIN rollups_hourly r ON r.hour > b.now_at - interval '26 hours' AND r.hour <= b.now_at
            LEFT JOIN stores s ON s.store_id = r.store_id
            JOIN zones z ON z.tz = coalesce(s.time_zone, b.default_tz)
            WHERE r.hour >= z.today_start
        )
        """
}
