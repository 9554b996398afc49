import VigilCore

/// A semantic role a theme gives a style to. Views ask for roles, never for colours.
public enum Role: String, Sendable, Hashable, CaseIterable {
    case text = "text"
    case textDim = "text.dim"
    case background = "background"
    case border = "panel.border"
    case borderFocused = "panel.border.focused"
    case title = "panel.title"
    case titleFocused = "panel.title.focused"
    case header = "header"
    case headerAccent = "header.accent"
    case footerKey = "footer.key"
    case footerText = "footer.text"
    case selection = "selection"
    case severityCritical = "severity.critical"
    case severityHigh = "severity.high"
    case severityWarning = "severity.warning"
    case severityInfo = "severity.info"
    case statusTriggered = "status.triggered"
    case statusAcknowledged = "status.acknowledged"
    case statusResolved = "status.resolved"
    case statusPending = "status.pending"
    case trendGood = "trend.good"
    case trendBad = "trend.bad"
    case trendNeutral = "trend.neutral"
    case sparkline = "sparkline"
    case deployMark = "mark.deploy"
    case rollbackMark = "mark.rollback"
    case healthOK = "health.ok"
    case healthStale = "health.stale"
    case healthError = "health.error"
    case dialogBorder = "dialog.border"
    case dialogText = "dialog.text"
    case label = "label"
    case value = "value"

    /// The role for a severity.
    public static func severity(_ s: Severity) -> Role {
        switch s {
        case .critical: return .severityCritical
        case .high: return .severityHigh
        case .warning: return .severityWarning
        case .info: return .severityInfo
        }
    }
}

/// How many colours the terminal can show.
public enum ColorDepth: String, Sendable, Hashable, CaseIterable {
    /// No colour: attributes only (`NO_COLOR`, `vt100`).
    case mono
    /// The 16 ANSI colours.
    case ansi16 = "16"
    /// The xterm 256-colour palette.
    case indexed256 = "256"
    /// 24-bit colour.
    case truecolor
}

/// A named set of styles, one per role.
public struct Theme: Sendable, Equatable {
    /// Name shown in the header when cycling themes.
    public var name: String
    /// Styles by role; a role missing here falls back to `Theme.builtinDefault`.
    public var styles: [Role: Style]

    /// Creates a theme.
    public init(name: String, styles: [Role: Style]) { self.name = name; self.styles = styles }

    /// The style for a role.
    public subscript(role: Role) -> Style {
        styles[role] ?? Theme.builtinDefault.styles[role] ?? .plain
    }
}
