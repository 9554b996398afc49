import Foundation
import VigilCore

/// libFuzzer-style byte mutations: flip bits, overwrite bytes with interesting ones, insert
/// tokens, delete, truncate, duplicate and move spans, and splice two inputs together.
enum ByteMutator {
    /// Inputs never grow past this (span duplication can otherwise double them each round).
    static let maximumSize = 4 << 20

    static let interestingBytes: [UInt8] = [
        0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xED, 0xF4, 0x01, 0x1F, 0x20, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A,
        0x30, 0x31, 0x39, 0x2D, 0x2B, 0x2E, 0x65, 0x45, 0x6E, 0x74, 0x66, 0x0A, 0x09, 0x27, 0x23, 0x26, 0x2A, 0x7C,
    ]

    /// JSON tokens and byte sequences that break decoders.
    static let tokens: [[UInt8]] = [
        "null", "true", "false", "0", "-1", "1e400", "-1e400", "NaN", "Infinity", "9223372036854775808", "\"",
        "\\", "\\u", "\\ud800", "\\u0000", "{", "}", "[", "]", ",", ":", "{}", "[]", "\"\":", ",\"id\":\"x\"",
        "\"NaN\"", "\"+Inf\"", "\"2026-02-30T25:00:00Z\"", "[[[[[[[[", "]]]]", "{\"a\":{\"a\":",
    ].map { Array($0.utf8) } + [[0xEF, 0xBB, 0xBF], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF0, 0x9F, 0x98], [0xFF, 0xFE]]

    /// `input` after 1–6 random mutations; `donor` is another corpus file to splice with.
    static func mutate(_ input: [UInt8], donor: [UInt8], rng: inout SplitMix64,
                       tokens: [[UInt8]] = ByteMutator.tokens) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + rng.below(6)) {
            mutateOnce(&bytes, donor: donor, rng: &rng, tokens: tokens)
            if bytes.count > maximumSize { bytes.removeLast(bytes.count - maximumSize) }
        }
        return bytes
    }

    private static func mutateOnce(_ bytes: inout [UInt8], donor: [UInt8], rng: inout SplitMix64, tokens: [[UInt8]]) {
        let count = bytes.count
        func position() -> Int { rng.below(count + 1) }
        func span(max limit: Int) -> Range<Int> {
            guard count > 0 else { return 0..<0 }
            let start = rng.below(count)
            let length = 1 + rng.below(min(limit, count - start))
            return start..<(start + length)
        }
        switch rng.below(11) {
        case 0:
            // Flip one bit.
            guard count > 0 else { fallthrough }
            let i = rng.below(count)
            bytes[i] ^= UInt8(1) << UInt8(rng.below(8))
        case 1:
            // An interesting byte.
            guard count > 0 else { fallthrough }
            bytes[rng.below(count)] = rng.choose(interestingBytes)
        case 2:
            // Insert random bytes.
            let new = (0..<(1 + rng.below(8))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            bytes.insert(contentsOf: new, at: position())
        case 3, 4:
            // Insert a token.
            bytes.insert(contentsOf: rng.choose(tokens), at: position())
        case 5:
            // Delete a span.
            bytes.removeSubrange(span(max: 64))
        case 6:
            // Truncate.
            bytes.removeSubrange(position()..<count)
        case 7:
            // Duplicate a span, up to 8 times in a row (long strings, many items, deep nesting).
            let copied = Array(bytes[span(max: 4_096)])
            let times = rng.choose([1, 1, 2, 8, 64])
            var repeated: [UInt8] = []
            repeated.reserveCapacity(copied.count * times)
            for _ in 0..<times { repeated += copied }
            bytes.insert(contentsOf: repeated, at: position())
        case 8:
            // Overwrite a span with another span of the same input.
            let source = Array(bytes[span(max: 256)])
            let at = rng.below(max(count, 1))
            for (offset, byte) in source.enumerated() where at + offset < bytes.count { bytes[at + offset] = byte }
        case 9:
            // Splice: the head of this input and the tail of another.
            guard !donor.isEmpty else { fallthrough }
            bytes = Array(bytes[0..<position()]) + Array(donor[rng.below(donor.count)...])
        default:
            // A digit run becomes a huge or negative number.
            if let i = bytes.indices.dropFirst(rng.below(max(count, 1))).first(where: { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }) {
                bytes.insert(contentsOf: Array(rng.choose(["99999999999999999999", "-", "e400", ".5", "0000"]).utf8), at: i)
            } else {
                bytes.insert(contentsOf: rng.choose(tokens), at: position())
            }
        }
    }
}
