import Foundation
import VigilCore

/// Durations as the config file writes them (`500ms`, `30s`, `1h30m`, `1d`): the same rules as
/// everywhere else in Vigil, `DurationText`.
public typealias ConfigDuration = DurationText
