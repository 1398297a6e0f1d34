public enum StoregateTestingPlaceholder {}
