public enum SwitchboardTUIPlaceholder {}
