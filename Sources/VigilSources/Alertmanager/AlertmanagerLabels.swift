import VigilCore

/// An alert's labels, sorted by name: the very list its incident shows (`Incident.labels`), so
/// the alert Vigil keeps between polls and the incident on screen share one copy instead of a
/// dictionary each (with 10,000 alerts the dictionaries were 3 MB).
public struct AlertLabels: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The labels, sorted by name, one per name.
    public private(set) var pairs: [KeyValue]

    /// The labels of a dictionary.
    public init(_ labels: [String: String]) {
        pairs = labels.keys.sorted().map { KeyValue($0, labels[$0] ?? "") }
    }

    /// The labels of a dictionary, each name and value passed through `intern`.
    init(_ labels: [String: String], intern: (String) -> String) {
        pairs = labels.keys.sorted().map { KeyValue(intern($0), intern(labels[$0] ?? "")) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The value of the label `name`, if it has one.
    public subscript(name: String) -> String? {
        var low = 0, high = pairs.count
        while low < high {
            let mid = (low + high) / 2
            let key = pairs[mid].key
            if key == name { return pairs[mid].value }
            if key < name { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// The names, sorted.
    public var keys: [String] { pairs.map(\.key) }
    /// How many labels.
    public var count: Int { pairs.count }
    /// The same as a dictionary.
    public var dictionary: [String: String] {
        Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: String)> {
        pairs.lazy.map { (key: $0.key, value: $0.value) }.makeIterator()
    }
}

extension AlertLabels {
    /// Labels already sorted by name, one per name (an incident's `labels`, which are an alert's).
    init(sorted pairs: [KeyValue]) { self.pairs = pairs }
}
