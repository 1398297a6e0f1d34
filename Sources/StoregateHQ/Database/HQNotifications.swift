/// PostgreSQL notification channels (`LISTEN`/`NOTIFY`) between instances.
public enum HQNotifications {
    /// Sent by every ingest batch that stored new events, on commit. The console's live pages refresh on it.
    public static let eventsStored = "storegate_events_stored"
}
