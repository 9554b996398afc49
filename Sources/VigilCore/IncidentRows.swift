/// Incidents in an order, over a list held elsewhere: the incident table's rows (`openIncidents`,
/// `visibleIncidents`) as positions in `AppState.incidents` instead of copies of 200-byte
/// incidents. Indexed from 0 like an array.
public struct IncidentRows: RandomAccessCollection, Sendable, Equatable {
    /// The list the rows are taken from.
    private let base: [Incident]
    /// The position in `base` of each row.
    private let order: [Int32]

    /// Rows `order` (positions) of `base`.
    public init(_ base: [Incident], _ order: [Int32]) {
        self.base = base
        self.order = order
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }

    public subscript(row: Int) -> Incident { base[Int(order[row])] }

    /// Some of these rows (`rows`, positions in this collection), in that order.
    public func picking(_ rows: [Int]) -> IncidentRows {
        IncidentRows(base, rows.map { order[$0] })
    }

    /// The first row whose incident has this id: a walk that reads ids in place (no incident
    /// copied, no index built: the selected incident's row, once per revision).
    public func firstRow(withID id: String) -> Int? {
        base.withUnsafeBufferPointer { list in
            order.withUnsafeBufferPointer { order in order.firstIndex { list[Int($0)].id == id } }
        }
    }

    public static func == (a: IncidentRows, b: IncidentRows) -> Bool {
        a.elementsEqual(b)
    }
}
