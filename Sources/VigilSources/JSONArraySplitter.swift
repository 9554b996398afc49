import Foundation
import VigilCore

/// Cuts a JSON array into the bytes of its elements as the bytes arrive, without parsing the
/// elements: a 10,000-alert answer is then decoded one alert at a time, so neither the whole
/// body nor a parse of the whole document is ever held in memory (with the whole body decoded at
/// once, polling 10,000 alerts peaked at over 100 MB).
///
/// It checks the array's own syntax (the brackets, the commas between elements, nothing after
/// the end) and finds where each element ends by counting brackets and braces outside strings;
/// each element's own syntax is checked by whoever decodes it. Errors read like the decoder's:
/// "not valid JSON (…)".
struct JSONArraySplitter {
    private enum Phase { case start, firstElementOrEnd, element, afterElement, nextElement, end }

    private var phase = Phase.start
    /// The element being read, from its first byte.
    private var current: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Whether the element is a bare number, `true`, `false` or `null`: it ends at a delimiter.
    private var bare = false
    /// Bytes of a UTF-8 byte order mark at the start.
    private var bomBytes = 0
    /// Bytes seen so far, for error positions.
    private var offset = 0
    /// Elements cut so far.
    private(set) var count = 0

    /// Reads `bytes`, the next piece of the document, and calls `element` with each element
    /// that is now complete (its index and bytes). Throws the first syntax error of the array,
    /// or whatever `element` throws.
    mutating func feed(_ bytes: UnsafeRawBufferPointer,
                       _ element: (Int, Data) throws -> Void) throws {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            switch phase {
            case .start:
                if Self.isSpace(byte) { break }
                if offset == bomBytes && offset < 3 && byte == [0xEF, 0xBB, 0xBF][offset] {   // a UTF-8 byte order mark
                    bomBytes += 1
                    break
                }
                guard byte == UInt8(ascii: "[") else {
                    throw SourceError(.malformed, byte == UInt8(ascii: "{")
                        ? "expected a list at the top level, found an object"
                        : "not valid JSON (expected '[' at byte \(offset + 1), found \(Self.show(byte)))")
                }
                phase = .firstElementOrEnd
            case .firstElementOrEnd, .nextElement:
                if Self.isSpace(byte) { break }
                if byte == UInt8(ascii: "]") {
                    guard phase == .firstElementOrEnd else {
                        throw SourceError(.malformed, "not valid JSON (a ']' after a ',' at byte \(offset + 1))")
                    }
                    phase = .end
                    break
                }
                guard Self.canBegin(byte) else {
                    throw SourceError(.malformed, "not valid JSON (\(Self.show(byte)) where element \(count + 1) should begin, "
                                      + "at byte \(offset + 1))")
                }
                begin(byte)
            case .element:
                if bare {
                    if Self.isSpace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                        try complete(element)
                        continue   // the delimiter is read again after the element
                    }
                    current.append(byte)
                    break
                }
                // Read on to the element's end or the piece's, then keep what was read at once.
                var j = i, done = false
                while j < bytes.count && !done {
                    let b = bytes[j]
                    j += 1
                    if inString {
                        if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true }
                        else if b == UInt8(ascii: "\"") { inString = false; done = depth == 0 }
                    } else if b == UInt8(ascii: "\"") {
                        inString = true
                    } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                        depth += 1
                    } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                        depth -= 1
                        done = depth == 0
                    }
                }
                current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<j]))
                offset += j - i
                i = j
                if done { try complete(element) }
                continue
            case .afterElement:
                if Self.isSpace(byte) { break }
                if byte == UInt8(ascii: ",") { phase = .nextElement; break }
                if byte == UInt8(ascii: "]") { phase = .end; break }
                throw SourceError(.malformed, "not valid JSON (expected ',' or ']' after element \(count) at byte \(offset + 1), "
                                  + "found \(Self.show(byte)))")
            case .end:
                guard Self.isSpace(byte) else {
                    throw SourceError(.malformed, "not valid JSON (\(Self.show(byte)) after the end of the list at byte \(offset + 1))")
                }
            }
            i += 1
            offset += 1
        }
    }

    /// Reads `data` (a piece of the document); see `feed(_:_:)`.
    mutating func feed(_ data: Data, _ element: (Int, Data) throws -> Void) throws {
        try data.withUnsafeBytes { try feed($0, element) }
    }

    /// Ends the document: throws when the array is not complete. A bare number as the last
    /// element is handed to `element` here.
    mutating func finish(_ element: (Int, Data) throws -> Void) throws {
        if phase == .element && bare { try complete(element) }
        switch phase {
        case .end: return
        case .start: throw SourceError(.malformed, "not valid JSON (the answer is empty)")
        default: throw SourceError(.malformed, "not valid JSON (unexpected end of data after \(offset) bytes)")
        }
    }

    private mutating func begin(_ byte: UInt8) {
        phase = .element
        current.removeAll(keepingCapacity: true)
        current.append(byte)
        depth = 0
        inString = false
        escaped = false
        bare = false
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
            depth = 1
        } else if byte == UInt8(ascii: "\"") {
            inString = true
        } else {
            bare = true
        }
    }

    private mutating func complete(_ element: (Int, Data) throws -> Void) throws {
        let index = count
        count += 1
        phase = .afterElement
        let bytes = Data(current)
        current.removeAll(keepingCapacity: current.count <= 64 << 10)
        try element(index, bytes)
    }

    /// Whether a JSON value can begin with `byte`.
    private static func canBegin(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "-"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return true
        default:
            return false
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func show(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02X", byte)
    }
}
