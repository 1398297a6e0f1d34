public enum StoregateLedgerPlaceholder {}
