public enum StoregateTrustPlaceholder {}
