import Foundation

// Deployment marks: where production deployments finished in a window, for the graphs and the
// outage timeline, from the merged deployment columns of `MetricsIndex`.
extension MetricsIndex {
    /// Where production deployments finished in the window, for marks on the graphs ("it broke
    /// after the 14:05 deploy"): each with whether it was a rollback, oldest first; `service`
    /// keeps one service's.
    public func deployMarks(in w: DateInterval, service: String? = nil) -> [DeployMark] {
        let wanted = service.map { name in deployServiceNames.firstIndex(of: name).map(Int32.init) ?? -1 }
        return Columns.range(deployAt, w).compactMap { k in
            if let wanted, deployService[k] != wanted { return nil }
            return DeployMark(at: Date(timeIntervalSinceReferenceDate: deployAt[k]), rollback: deployFlags[k] & 4 != 0,
                              service: deployServiceNames[Int(deployService[k])])
        }
    }

    /// `deployMarks(in:)` of the deployments of `services` only, oldest first, in one walk of the
    /// window comparing service ids (the outage timeline's marks; filtering all marks by name
    /// hashed a string per deployment).
    public func deployMarks(in w: DateInterval, among services: Set<String>) -> [DeployMark] {
        let wanted = deployServiceNames.map { services.contains($0) }
        guard wanted.contains(true) else { return [] }
        return Columns.range(deployAt, w).compactMap { k in
            guard wanted[Int(deployService[k])] else { return nil }
            return DeployMark(at: Date(timeIntervalSinceReferenceDate: deployAt[k]), rollback: deployFlags[k] & 4 != 0,
                              service: deployServiceNames[Int(deployService[k])])
        }
    }

    /// `deployMarks(in:service:)` of each of `services`, by name, in one walk of the window.
    public func deployMarks(in w: DateInterval, each services: some Sequence<String>) -> [String: [DeployMark]] {
        var slot = [Int](repeating: -1, count: deployServiceNames.count)
        var out: [String: [DeployMark]] = [:]
        var lists: [[DeployMark]] = [], names: [String] = []
        for name in services where out[name] == nil {
            out[name] = []
            if let id = deployServiceNames.firstIndex(of: name) {
                slot[id] = lists.count
                lists.append([])
                names.append(name)
            }
        }
        guard !lists.isEmpty else { return out }
        for k in Columns.range(deployAt, w) {
            let s = slot[Int(deployService[k])]
            guard s >= 0 else { continue }
            lists[s].append(DeployMark(at: Date(timeIntervalSinceReferenceDate: deployAt[k]), rollback: deployFlags[k] & 4 != 0,
                                       service: names[s]))
        }
        for (s, name) in names.enumerated() { out[name] = lists[s] }
        return out
    }

    /// The production deployments that finished in the window and failed (as the change failure
    /// rate counts them: ended in failure, rolled back, or followed by an incident of the
    /// service), oldest first, each marked with whether it was itself a rollback.
    public func failedDeployments(in w: DateInterval) -> [DeployMark] {
        Columns.range(deployAt, w).compactMap { k in
            guard deployFlags[k] & 2 != 0 else { return nil }
            return DeployMark(at: Date(timeIntervalSinceReferenceDate: deployAt[k]), rollback: deployFlags[k] & 4 != 0,
                              service: deployServiceNames[Int(deployService[k])])
        }
    }
}
