/// Incidents in an order, over a list held elsewhere: the incident table's rows (`openIncidents`,
/// `visibleIncidents`) as positions in `AppState.incidents` instead of copies of 200-byte
/// incidents. Indexed from 0 like an array.
public struct IncidentRows: RandomAccessCollection, Sendable, Equatable {
    /// The list the rows are taken from.
    private let base: [Incident]
    /// The position in `base` of each row; nil: every incident of `base`, in its order.
    private let order: [Int32]?

    /// Rows `order` (positions) of `base`, or all of it in its order.
    public init(_ base: [Incident], _ order: [Int32]? = nil) {
        self.base = base
        self.order = order
    }

    /// Rows that are these incidents, in this order.
    public init(_ incidents: [Incident]) { self.init(incidents, nil) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { order?.count ?? base.count }

    public subscript(row: Int) -> Incident {
        guard let order else { return base[row] }
        return base[Int(order[row])]
    }

    /// Some of these rows (`rows`, positions in this collection), in that order.
    public func picking(_ rows: [Int]) -> IncidentRows {
        IncidentRows(base, rows.map { r in order.map { $0[r] } ?? Int32(r) })
    }

    public static func == (a: IncidentRows, b: IncidentRows) -> Bool {
        a.elementsEqual(b)
    }
}
