import Foundation

/// Finished production deployments of every source merged in time order, with what makes each
/// a rollback or a failure (METRICS.md, "Rollbacks" and "Change failure rate").
struct MergedDeployments {
    var at: [Double] = [], flags: [UInt8] = [], lead: [Double] = []
    /// For a failed deployment, seconds until the service's next successful one (infinity: none
    /// yet); NaN for the others.
    var recovery: [Double] = []
    /// Each deployment's service, as an index into `serviceNames`.
    var service: [Int32] = [], serviceNames: [String] = []

    init(_ digests: [DeploymentDigest], incidents: [IncidentDigest], linkWindow: TimeInterval) {
        // Services of all sources as one set of ids.
        var serviceIDs: [String: Int] = [:]
        let globalOf = digests.map { d in
            d.services.map { name in
                if let id = serviceIDs[name] { return id }
                serviceIDs[name] = serviceIDs.count
                return serviceIDs.count - 1
            }
        }
        // Every source's columns one after the other, then merged in time order: each source's
        // are in order already, and equal times go in source order.
        var keys: [Double] = [], services: [Int32] = [], versions: [UInt64] = [], kinds: [UInt8] = [], leads: [Double] = []
        var offsets = [0]
        for (s, d) in digests.enumerated() {
            keys += d.at; versions += d.version; kinds += d.flags; leads += d.lead
            let global = globalOf[s]
            services += d.service.map { Int32(global[Int($0)]) }
            offsets.append(keys.count)
        }
        let n = keys.count
        var order = [Int](repeating: 0, count: n)
        if digests.count <= 1 {
            for k in 0..<n { order[k] = k }
        } else {
            var heads = Array(offsets.dropLast()), ends = Array(offsets.dropFirst())
            for k in 0..<n {
                var best = -1, bestKey = Double.infinity
                for s in 0..<heads.count where heads[s] < ends[s] {
                    let key = keys[heads[s]]
                    if best < 0 || key < bestKey { best = s; bestKey = key }
                }
                order[k] = heads[best]
                heads[best] += 1
            }
        }
        // One source's are in order already.
        func merged<T>(_ column: [T]) -> [T] { digests.count <= 1 ? column : order.map { column[$0] } }
        at = merged(keys)
        lead = merged(leads)
        self.service = merged(services)
        let service = self.service.map { Int($0) }, version = merged(versions)
        serviceNames = [String](repeating: "", count: serviceIDs.count)
        for (name, id) in serviceIDs { serviceNames[id] = name }
        let f = merged(kinds)
        flags = [UInt8](repeating: 0, count: n)
        func versionString(_ k: Int) -> String {
            let flat = order[k]
            let s = offsets.lastIndex(where: { $0 <= flat && $0 < offsets[offsets.count - 1] }) ?? 0
            let d = digests[s]
            return d.list[Int(d.pos[flat - offsets[s]])].version
        }
        // Rollbacks: marked, or a successful deployment of a version earlier than the service's
        // previous successful one.
        var lastSuccess = [Int](repeating: -1, count: serviceIDs.count)
        for k in 0..<n {
            if f[k] & 4 != 0 { flags[k] |= 4 }
            guard f[k] & 1 != 0 else { continue }
            let prev = lastSuccess[service[k]]
            if prev >= 0 {
                let earlier = version[k] != .max && version[prev] != .max ? version[k] < version[prev]
                    : VersionOrder.isEarlier(versionString(k), than: versionString(prev))
                if earlier { flags[k] |= 4 }
            }
            lastSuccess[service[k]] = k
            flags[k] |= 1
        }
        // Failed: ended in failure, the next deployment of the service was a rollback, or an
        // incident of the service started within `linkWindow` after it.
        var next = [Int](repeating: -1, count: serviceIDs.count)
        var failed = [Bool](repeating: false, count: n)
        for k in stride(from: n - 1, through: 0, by: -1) {
            let nx = next[service[k]]
            failed[k] = f[k] & 2 != 0 || (nx >= 0 && flags[nx] & 4 != 0)
            next[service[k]] = k
        }
        // The first incident after each deployment, found by walking each source's incident starts
        // of the service forward as the deployments go forward in time.
        let g = serviceIDs.count
        var allStarts: [Double] = [], cursor = [Int](repeating: 0, count: incidents.count * g)
        var end = cursor
        for (i, d) in incidents.enumerated() {
            let base = allStarts.count
            allStarts += d.serviceStarts
            for (local, name) in d.services.enumerated() {
                guard let id = serviceIDs[name] else { continue }
                cursor[i * g + id] = base + d.serviceStartOffsets[local]
                end[i * g + id] = base + d.serviceStartOffsets[local + 1]
            }
        }
        for k in 0..<n {
            if !failed[k] {
                var first = Double.infinity
                let t = at[k]
                for i in 0..<incidents.count {
                    let c = i * g + service[k], e = end[c]
                    var p = cursor[c]
                    while p < e && allStarts[p] <= t { p += 1 }
                    cursor[c] = p
                    if p < e, allStarts[p] < first { first = allStarts[p] }
                }
                failed[k] = first - t <= linkWindow
            }
            if failed[k] { flags[k] |= 2 }
        }
        // Failed deployment recovery time: until the service's next successful deployment (or
        // its rollback, which is one).
        recovery = [Double](repeating: .nan, count: n)
        var nextSuccess = [Double](repeating: .infinity, count: serviceIDs.count)
        for k in stride(from: n - 1, through: 0, by: -1) {
            if flags[k] & 2 != 0 { recovery[k] = nextSuccess[service[k]] - at[k] }
            if flags[k] & 1 != 0 { nextSuccess[service[k]] = at[k] }
        }
        // Rework (8): marked so by its source (a hotfix branch, a revert), a rollback, or a
        // deployment within `linkWindow` after a failed one of the same service (the one before it).
        var lastAt = [Double](repeating: -.infinity, count: serviceIDs.count)
        var lastFailed = [Bool](repeating: false, count: serviceIDs.count)
        for k in 0..<n {
            let s = service[k]
            if f[k] & 16 != 0 || flags[k] & 4 != 0 || (lastFailed[s] && at[k] - lastAt[s] <= linkWindow) { flags[k] |= 8 }
            lastAt[s] = at[k]
            lastFailed[s] = flags[k] & 2 != 0
        }
    }
}
