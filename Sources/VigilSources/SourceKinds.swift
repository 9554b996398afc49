import VigilCore

// In the module that declares the conformances, so these are the witnesses of
// `Source.provides` (an extension in another module would not be).

extension PrometheusSource {
    /// Deployments, CI runs and series.
    public var provides: Set<DataKind> { [.deployments, .builds, .series] }
}

extension AlertmanagerSource {
    /// Alerts, as incidents.
    public var provides: Set<DataKind> { [.incidents] }
    /// Alertmanager forgets resolved alerts.
    public var keepsHistory: Bool { false }
}
