import Foundation
import VigilCore

/// A source ready to run, with what its kind declares about it: what the runtime, the reducer
/// and the key map need to know without looking at the source's type.
public struct ConfiguredSource: Sendable {
    /// The source.
    public let source: any Source
    /// Its kind's `type:` name ("prometheus").
    public let type: String
    /// Its per-request timeout, when it has one (the poll's outer limit is derived from it).
    public let requestTimeout: Duration?
    /// The kinds of data it provides.
    public let provides: Set<DataKind>
    /// Whether it keeps its own history (false: Vigil records what it reported).
    public let keepsHistory: Bool
    /// What can be done with its incidents.
    public let actions: Set<ActionKind>
    /// Whether acknowledging a page that merged its alerts acknowledges them here too.
    public let acknowledgesWithPage: Bool

    /// Creates one.
    public init(_ source: any Source, type: String, requestTimeout: Duration? = nil,
                provides: Set<DataKind> = Set(DataKind.allCases), keepsHistory: Bool = true, actions: Set<ActionKind> = [],
                acknowledgesWithPage: Bool = false) {
        self.source = source; self.type = type; self.requestTimeout = requestTimeout; self.provides = provides
        self.keepsHistory = keepsHistory; self.actions = actions; self.acknowledgesWithPage = acknowledgesWithPage
    }

    /// The source's id.
    public var id: SourceID { source.id }
}

extension AppState {
    /// Registers the sources, in order: their poll intervals and what their kinds declare (the
    /// data they feed, whether Vigil keeps their history, the actions the key map offers).
    public mutating func register(_ configured: [ConfiguredSource]) {
        for c in configured {
            if sources[c.id] == nil {
                sources[c.id] = SourceState(pollInterval: c.source.pollInterval.seconds)
                sourceOrder.append(c.id)
            }
            sources[c.id]?.provides = c.provides
            sources[c.id]?.keepsHistory = c.keepsHistory
            sources[c.id]?.actions = c.actions
            sources[c.id]?.acknowledgesWithPage = c.acknowledgesWithPage
        }
    }
}
