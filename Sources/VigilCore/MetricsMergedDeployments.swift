import Foundation

/// Finished production deployments of every source merged in time order, with what makes each
/// a rollback or a failure (METRICS.md, "Rollbacks" and "Change failure rate").
///
/// One source's columns are taken as they are (in order already, their service ids the global
/// ones), without copies. The passes over the merged deployments work
/// on buffers: with arrays, each write checked the array's uniqueness and bounds, which made
/// this 16 % of computing every figure from nothing.
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
                if let id = serviceIDs[name] { return Int32(id) }
                serviceIDs[name] = serviceIDs.count
                return Int32(serviceIDs.count - 1)
            }
        }
        let g = serviceIDs.count
        serviceNames = [String](repeating: "", count: g)
        for (name, id) in serviceIDs { serviceNames[id] = name }
        // The merged columns, and where each row came from (an index into the sources' columns
        // one after the other, `offsets` where each source starts) for versions that have no
        // packed key.
        let n = digests.reduce(0) { $0 + $1.at.count }
        let version: [UInt64], kinds: [UInt8]
        var origin: [Int32] = [], offsets = [0]
        if digests.count == 1 {
            // One source's are in order already, and its service ids are the global ones.
            let d = digests[0]
            at = d.at; lead = d.lead; service = d.service; version = d.version; kinds = d.flags
        } else {
            // Every source's columns one after the other, then merged in time order: each
            // source's are in order already, and equal times go in source order.
            var keys: [Double] = [], services: [Int32] = [], versions: [UInt64] = [], flagsIn: [UInt8] = [], leads: [Double] = []
            keys.reserveCapacity(n); services.reserveCapacity(n); versions.reserveCapacity(n)
            flagsIn.reserveCapacity(n); leads.reserveCapacity(n)
            for (s, d) in digests.enumerated() {
                keys += d.at; versions += d.version; flagsIn += d.flags; leads += d.lead
                let global = globalOf[s]
                services += d.service.map { global[Int($0)] }
                offsets.append(keys.count)
            }
            origin = Self.mergeOrder(keys, offsets)
            let order = SortOrder(positions: origin)
            at = order.apply(keys); lead = order.apply(leads); service = order.apply(services)
            version = order.apply(versions); kinds = order.apply(flagsIn)
        }
        func versionString(_ k: Int) -> String {
            guard !origin.isEmpty else { return digests[0].list[Int(digests[0].pos[k])].version }
            let flat = Int(origin[k])
            let s = offsets.lastIndex(where: { $0 <= flat && $0 < offsets[offsets.count - 1] }) ?? 0
            let d = digests[s]
            return d.list[Int(d.pos[flat - offsets[s]])].version
        }
        var flags = [UInt8](repeating: 0, count: n)
        var recovery = [Double](repeating: .nan, count: n)
        // Starts of incidents per source and service, for the first incident after each deployment.
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
        let sources = incidents.count
        at.withUnsafeBufferPointer { at in service.withUnsafeBufferPointer { service in
        version.withUnsafeBufferPointer { version in kinds.withUnsafeBufferPointer { f in
        flags.withUnsafeMutableBufferPointer { flags in recovery.withUnsafeMutableBufferPointer { recovery in
        allStarts.withUnsafeBufferPointer { allStarts in
        cursor.withUnsafeMutableBufferPointer { cursor in end.withUnsafeBufferPointer { end in
            let perService = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, g) * 2)
            let perServiceDouble = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, g))
            let failed = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(1, n))
            defer { perService.deallocate(); perServiceDouble.deallocate(); failed.deallocate() }
            // Rollbacks: marked, or a successful deployment of a version earlier than the service's
            // previous successful one.
            let lastSuccess = UnsafeMutableBufferPointer(rebasing: perService[0..<g])
            lastSuccess.initialize(repeating: -1)
            for k in 0..<n {
                var fl: UInt8 = f[k] & 4
                if f[k] & 1 != 0 {
                    let s = Int(service[k]), prev = lastSuccess[s]
                    if prev >= 0 {
                        let earlier = version[k] != .max && version[prev] != .max ? version[k] < version[prev]
                            : VersionOrder.isEarlier(versionString(k), than: versionString(prev))
                        if earlier { fl |= 4 }
                    }
                    lastSuccess[s] = k
                    fl |= 1
                }
                flags[k] = fl
            }
            // Failed: ended in failure, the next deployment of the service was a rollback, or an
            // incident of the service started within `linkWindow` after it.
            let next = lastSuccess
            next.update(repeating: -1)
            for k in stride(from: n - 1, through: 0, by: -1) {
                let s = Int(service[k]), nx = next[s]
                failed[k] = f[k] & 2 != 0 || (nx >= 0 && flags[nx] & 4 != 0)
                next[s] = k
            }
            // The first incident after each deployment, found by walking each source's incident
            // starts of the service forward as the deployments go forward in time.
            for k in 0..<n {
                var isFailed = failed[k]
                if !isFailed {
                    var first = Double.infinity
                    let t = at[k]
                    for i in 0..<sources {
                        let c = i * g + Int(service[k]), e = end[c]
                        var p = cursor[c]
                        while p < e && allStarts[p] <= t { p += 1 }
                        cursor[c] = p
                        if p < e, allStarts[p] < first { first = allStarts[p] }
                    }
                    isFailed = first - t <= linkWindow
                }
                if isFailed { flags[k] |= 2 }
            }
            // Failed deployment recovery time: until the service's next successful deployment (or
            // its rollback, which is one).
            let nextSuccess = perServiceDouble
            nextSuccess.initialize(repeating: .infinity)
            for k in stride(from: n - 1, through: 0, by: -1) {
                let s = Int(service[k])
                if flags[k] & 2 != 0 { recovery[k] = nextSuccess[s] - at[k] }
                if flags[k] & 1 != 0 { nextSuccess[s] = at[k] }
            }
            // Rework (8): marked so by its source (a hotfix branch, a revert), a rollback, or a
            // deployment within `linkWindow` after a failed one of the same service (the one before it).
            let lastAt = perServiceDouble
            lastAt.update(repeating: -.infinity)
            let lastFailed = UnsafeMutableBufferPointer(rebasing: perService[g..<2 * g])
            lastFailed.initialize(repeating: 0)
            for k in 0..<n {
                let s = Int(service[k])
                if f[k] & 16 != 0 || flags[k] & 4 != 0 || (lastFailed[s] != 0 && at[k] - lastAt[s] <= linkWindow) { flags[k] |= 8 }
                lastAt[s] = at[k]
                lastFailed[s] = flags[k] & 2 != 0 ? 1 : 0
            }
        } } } } } } } } }
        self.flags = flags
        self.recovery = recovery
    }

    /// The order of the merged columns of sources placed one after the other (`offsets`: where
    /// each starts, then the end), each in order: indices into them, the earliest head next,
    /// equal keys in source order.
    static func mergeOrder(_ keys: [Double], _ offsets: [Int]) -> [Int32] {
        let m = offsets.count - 1
        var heads = Array(offsets.dropLast())
        let ends = Array(offsets.dropFirst())
        return [Int32](unsafeUninitializedCapacity: keys.count) { out, count in
            keys.withUnsafeBufferPointer { keys in
                heads.withUnsafeMutableBufferPointer { heads in
                    ends.withUnsafeBufferPointer { ends in
                        for k in 0..<keys.count {
                            var best = -1, bestKey = Double.infinity
                            for s in 0..<m where heads[s] < ends[s] {
                                let key = keys[heads[s]]
                                if best < 0 || key < bestKey { best = s; bestKey = key }
                            }
                            out[k] = Int32(truncatingIfNeeded: heads[best])
                            heads[best] += 1
                        }
                    }
                }
            }
            count = keys.count
        }
    }
}
