/// The panels of the dashboard.
public enum PanelID: String, Sendable, Hashable, CaseIterable {
    case builds, deployments, outages, pages, response, quality, incidents

    /// Title drawn in the panel border.
    public var title: String {
        switch self {
        case .builds: return "Build throughput"
        case .deployments: return "Deployments"
        case .outages: return "Outages"
        case .pages: return "Alert pages"
        case .response: return "MTTR / MTTA"
        case .quality: return "Quality & performance"
        case .incidents: return "Incidents"
        }
    }

    /// Metric panels, in reading order (left to right, top to bottom).
    public static let metricPanels: [PanelID] = [.builds, .deployments, .outages, .pages, .response, .quality]

    /// Which metric panels survive on a small screen, most important first.
    public static let priority: [PanelID] = [.outages, .pages, .response, .deployments, .builds, .quality]
}

/// Where everything goes on a screen of a given size. Pure, so the reducer (focus movement) and
/// the renderer agree on which panels are visible.
public struct DashboardLayout: Sendable, Hashable {
    /// The header row (empty on a screen too small for one).
    public var header: Rect
    /// The footer row with key hints.
    public var footer: Rect
    /// Visible panels with their rectangles, in reading order.
    public var panels: [PanelPlacement]

    /// A panel and its rectangle.
    public struct PanelPlacement: Sendable, Hashable {
        /// Which panel.
        public var id: PanelID
        /// Where.
        public var rect: Rect
    }

    /// Smallest metric panel that still shows a figure and its trend.
    public static let minMetricSize = Size(width: 24, height: 5)

    /// The layout for a screen. Below 80x24 it drops metric panels (least important first) rather
    /// than squeezing them; below a few rows it keeps only the incidents.
    public static func compute(_ size: Size) -> DashboardLayout {
        let w = size.width, h = size.height
        guard w > 0, h > 0 else {
            return DashboardLayout(header: Rect(x: 0, y: 0, width: 0, height: 0),
                                   footer: Rect(x: 0, y: 0, width: 0, height: 0), panels: [])
        }
        let header = Rect(x: 0, y: 0, width: w, height: 1)
        let hasFooter = h >= 3
        let footer = hasFooter ? Rect(x: 0, y: h - 1, width: w, height: 1) : Rect(x: 0, y: h, width: w, height: 0)
        let bodyTop = 1, bodyHeight = h - 1 - (hasFooter ? 1 : 0)
        guard bodyHeight > 0 else { return DashboardLayout(header: header, footer: footer, panels: []) }

        let minIncidents = 5
        let cols = min(3, max(0, w / minMetricSize.width))
        var panels: [PanelPlacement] = []
        var metricHeight = 0
        if cols > 0 && bodyHeight >= minIncidents + minMetricSize.height {
            // How many metric rows fit, keeping room for the incidents.
            let maxRows = (bodyHeight - minIncidents) / minMetricSize.height
            let rowsNeeded = (PanelID.metricPanels.count + cols - 1) / cols
            let rows = min(rowsNeeded, maxRows)
            let count = min(PanelID.metricPanels.count, rows * cols)
            let keep = Set(PanelID.priority.prefix(count))
            let shown = PanelID.metricPanels.filter { keep.contains($0) }
            let rowHeight = min(13, max(minMetricSize.height, (bodyHeight * 45 / 100) / rows))
            for (i, id) in shown.enumerated() {
                let r = i / cols, c = i % cols
                let inRow = min(cols, shown.count - r * cols)
                let x0 = c * w / inRow, x1 = (c + 1) * w / inRow
                panels.append(PanelPlacement(id: id, rect: Rect(x: x0, y: bodyTop + r * rowHeight,
                                                                width: x1 - x0, height: rowHeight)))
            }
            metricHeight = rows * rowHeight
        }
        panels.append(PanelPlacement(id: .incidents, rect: Rect(x: 0, y: bodyTop + metricHeight,
                                                                 width: w, height: bodyHeight - metricHeight)))
        return DashboardLayout(header: header, footer: footer, panels: panels)
    }

    /// The rectangle of a panel, if visible.
    public func rect(of id: PanelID) -> Rect? { panels.first { $0.id == id }?.rect }

    /// The visible panel nearest in a direction from `id` (dx, dy in -1…1), for h/j/k/l focus moves.
    public func neighbour(of id: PanelID, dx: Int, dy: Int) -> PanelID? {
        guard let from = rect(of: id) else { return nil }
        let cx = from.x + from.width / 2, cy = from.y + from.height / 2
        var best: (PanelID, Int)?
        for p in panels where p.id != id {
            let px = p.rect.x + p.rect.width / 2, py = p.rect.y + p.rect.height / 2
            let ddx = px - cx, ddy = py - cy
            let ok = (dx != 0 && ddx.signum() == dx && (ddy == 0 || abs(ddx) >= 1) && p.rect.maxY > from.y && p.rect.y < from.maxY)
                || (dy != 0 && ddy.signum() == dy)
            guard ok else { continue }
            let dist = abs(ddx) + abs(ddy) * 3
            if let b = best, b.1 <= dist { continue }
            best = (p.id, dist)
        }
        return best?.0
    }
}
