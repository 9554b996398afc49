import VigilCore

extension Theme {
    /// The built-in dark theme: every role has a style here, so it fills whatever a theme file
    /// leaves out (as btop's themes do).
    public static let builtinDefault = Theme(name: "default", styles: [
        .text: Style(fg: .indexed(252)),
        .textDim: Style(fg: .indexed(244)),
        .background: Style(),
        .border: Style(fg: .indexed(240)),
        .borderFocused: Style(fg: .indexed(75), attrs: .bold),
        .title: Style(fg: .indexed(110), attrs: .bold),
        .titleFocused: Style(fg: .indexed(75), attrs: [.bold, .underline]),
        .header: Style(fg: .indexed(252), bg: .indexed(236)),
        .headerAccent: Style(fg: .indexed(75), bg: .indexed(236), attrs: .bold),
        .footerKey: Style(fg: .indexed(235), bg: .indexed(110), attrs: .bold),
        .footerText: Style(fg: .indexed(250)),
        .selection: Style(fg: .indexed(231), bg: .indexed(24), attrs: .bold),
        .severityCritical: Style(fg: .indexed(203), attrs: .bold),
        .severityHigh: Style(fg: .indexed(215), attrs: .bold),
        .severityWarning: Style(fg: .indexed(221)),
        .severityInfo: Style(fg: .indexed(110)),
        .statusTriggered: Style(fg: .indexed(203), attrs: .bold),
        .statusAcknowledged: Style(fg: .indexed(221)),
        .statusResolved: Style(fg: .indexed(114)),
        .statusPending: Style(fg: .indexed(117), attrs: .italic),
        .trendGood: Style(fg: .indexed(114)),
        .trendBad: Style(fg: .indexed(203)),
        .trendNeutral: Style(fg: .indexed(244)),
        .sparkline: Style(fg: .indexed(75)),
        .deployMark: Style(fg: .indexed(177), attrs: .bold), .rollbackMark: Style(fg: .indexed(215), attrs: .bold),
        .healthOK: Style(fg: .indexed(114), bg: .indexed(236)),
        .healthStale: Style(fg: .indexed(221), bg: .indexed(236), attrs: .bold),
        .healthError: Style(fg: .indexed(231), bg: .indexed(160), attrs: .bold),
        .dialogBorder: Style(fg: .indexed(221), bg: .indexed(235), attrs: .bold),
        .dialogText: Style(fg: .indexed(252), bg: .indexed(235)),
        .label: Style(fg: .indexed(244)),
        .value: Style(fg: .indexed(231), attrs: .bold),
    ])

    /// Monochrome: attributes only, for `NO_COLOR` and terminals without colour. Selection is
    /// reverse video; severity and status are carried by symbols and bold, never by colour alone.
    public static let monochrome = Theme(name: "mono", styles: [
        .text: Style(), .textDim: Style(attrs: .dim), .background: Style(),
        .border: Style(), .borderFocused: Style(attrs: .bold),
        .title: Style(attrs: .bold), .titleFocused: Style(attrs: [.bold, .reverse]),
        .header: Style(attrs: .reverse), .headerAccent: Style(attrs: [.reverse, .bold]),
        .footerKey: Style(attrs: [.reverse, .bold]), .footerText: Style(),
        .selection: Style(attrs: .reverse),
        .severityCritical: Style(attrs: [.bold, .underline]), .severityHigh: Style(attrs: .bold),
        .severityWarning: Style(), .severityInfo: Style(attrs: .dim),
        .statusTriggered: Style(attrs: .bold), .statusAcknowledged: Style(), .statusResolved: Style(attrs: .dim),
        .statusPending: Style(attrs: .underline),
        .trendGood: Style(), .trendBad: Style(attrs: .bold), .trendNeutral: Style(attrs: .dim),
        .sparkline: Style(), .deployMark: Style(attrs: .bold), .rollbackMark: Style(attrs: [.bold, .underline]),
        .healthOK: Style(attrs: .reverse), .healthStale: Style(attrs: [.reverse, .bold]),
        .healthError: Style(attrs: [.reverse, .bold, .underline]),
        .dialogBorder: Style(attrs: .bold), .dialogText: Style(),
        .label: Style(attrs: .dim), .value: Style(attrs: .bold),
    ])
}
