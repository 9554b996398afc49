import Foundation

/// A parsed HTTP/1.x request or response: just what the proxy needs.
struct HTTPMessage {
    var method = ""
    var target = ""
    var status = 0
    var reason = ""
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []

    /// A complete response with a Content-Length and `Connection: close`.
    static func response(status: Int, reason: String, headers: [(name: String, value: String)], body: [UInt8]) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// Reads one message: the head, then a body of Content-Length bytes, or chunks, or (for a
    /// response) everything until the peer closes. Nil when the peer closed or timed out first,
    /// or the message is larger than `limit`.
    static func read(from fd: Int32, isRequest: Bool, limit: Int) -> HTTPMessage? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func more() -> Bool {
            guard data.count <= limit + 65_536 else { return false }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            data.append(contentsOf: buffer[0..<count])
            return true
        }
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            guard data.count >= start + pattern.count else { return nil }
            return (start...(data.count - pattern.count)).first { data[$0..<$0 + pattern.count].elementsEqual(pattern) }
        }
        let blankLine: [UInt8] = [13, 10, 13, 10], lineBreak: [UInt8] = [13, 10]
        var headEnd: Int?
        while headEnd == nil {
            headEnd = find(blankLine, from: 0)
            if headEnd == nil, data.count > 65_536 || !more() { return nil }
        }
        guard let end = headEnd else { return nil }
        let lines = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let first = lines.first else { return nil }
        var message = HTTPMessage()
        let parts = first.split(separator: " ", maxSplits: 2).map(String.init)
        if isRequest {
            guard parts.count >= 2 else { return nil }
            message.method = parts[0]
            message.target = parts[1]
        } else {
            guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
            message.status = status
            message.reason = parts.count > 2 ? parts[2] : ""
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            message.headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        func header(_ name: String) -> String? {
            message.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        var position = end + 4
        func need(_ count: Int) -> Bool {
            while data.count < position + count {
                guard more() else { return false }
            }
            return true
        }
        if header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            var body: [UInt8] = []
            while true {
                var lineEnd = find(lineBreak, from: position)
                while lineEnd == nil {
                    guard more() else { return nil }
                    lineEnd = find(lineBreak, from: position)
                }
                guard let sizeEnd = lineEnd else { return nil }
                let sizeText = String(decoding: data[position..<sizeEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else { return nil }
                position = sizeEnd + 2
                if size == 0 { break }
                guard size <= limit, need(size + 2) else { return nil }
                body += data[position..<(position + size)]
                position += size + 2
                guard body.count <= limit else { return nil }
            }
            message.body = body
        } else if let length = header("Content-Length").flatMap({ Int($0) }) {
            guard length >= 0, length <= limit, need(length) else { return nil }
            message.body = Array(data[position..<(position + length)])
        } else if !isRequest {
            while more() {}  // until the peer closes
            message.body = Array(data[position...])
        }
        return message
    }
}
