import Foundation
import VigilCore

/// The live source's answers besides incidents and log entries: who is on call, user/service/team
/// lookups, a created note.
extension PagerDutyDecoder {
    /// The `id`, `name` (or summary) and `email` of each object in a `/services`, `/teams` or
    /// `/users` list answer.
    public static func references(from data: Data, list: String) throws(SourceError)
        -> [(id: String, name: String, email: String?)] {
        // Typed, with only the named list read (fuzzing found a generic JSON value tree of a
        // deeply nested answer taking seconds to build).
        let items: [Named]?
        switch list {
        case "users": items = try SourceJSON.decode(NamedList<UsersList>.self, from: data, what: "PagerDuty users").items
        case "services": items = try SourceJSON.decode(NamedList<ServicesList>.self, from: data, what: "PagerDuty services").items
        default: items = try SourceJSON.decode(NamedList<TeamsList>.self, from: data, what: "PagerDuty teams").items
        }
        guard let items else {
            throw SourceError(.malformed, "PagerDuty \(list): the response has no '\(list)' list")
        }
        return items.compactMap { item in
            guard let id = nonEmpty(item.id) else { return nil }
            return (id, nonEmpty(item.name) ?? nonEmpty(item.summary) ?? id, nonEmpty(item.email))
        }
    }

    /// A user, service or team in a list answer: only what lookups use.
    struct Named: Decodable {
        var id: String?
        var name: String?
        var summary: String?
        var email: String?
    }

    protocol ListName { static var key: String { get } }
    enum UsersList: ListName { static let key = "users" }
    enum ServicesList: ListName { static let key = "services" }
    enum TeamsList: ListName { static let key = "teams" }

    /// `{"<list>": [...], ...}`, reading the one list and nothing else.
    struct NamedList<List: ListName>: Decodable {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        var items: [Named]?
        init(from decoder: any Decoder) throws {
            items = try decoder.container(keyedBy: Key.self).decodeIfPresent([Named].self, forKey: Key(stringValue: List.key))
        }
    }

    /// One page of a `GET /oncalls` answer: each on-call's user (id and name), policy name,
    /// level, start and end, and whether another page follows.
    public static func onCallPage(from data: Data) throws(SourceError)
        -> (shifts: [(userID: String, shift: OnCallShift)], more: Bool) {
        let answer = try SourceJSON.decode(OnCallList.self, from: data, what: "PagerDuty on-calls")
        let shifts = answer.oncalls.compactMap { raw -> (String, OnCallShift)? in
            guard let user = raw.user, let id = nonEmpty(user.id) else { return nil }
            // A shift that ends before it starts is not one (clock skew, a broken proxy).
            if let start = raw.start, let end = raw.end, end < start { return nil }
            let shift = OnCallShift(person: user.label ?? id, policy: raw.escalationPolicy?.label ?? "",
                                    level: raw.escalationLevel ?? 1, start: raw.start, end: raw.end, personID: id)
            return (id, shift)
        }
        return (shifts, answer.more ?? false)
    }

    struct OnCallList: Decodable {
        struct Raw: Decodable {
            var user: Reference?
            var escalationPolicy: Reference?
            var escalationLevel: Int?
            var start: Date?
            var end: Date?
            enum CodingKeys: String, CodingKey {
                case user, start, end, escalationPolicy = "escalation_policy", escalationLevel = "escalation_level"
            }
        }
        var oncalls: [Raw]
        var more: Bool?
    }

    /// Who wrote a note and when, from a `POST /incidents/{id}/notes` answer.
    public static func note(from data: Data) throws(SourceError) -> (by: String?, at: Date?) {
        let answer = try SourceJSON.decode(NoteAnswer.self, from: data, what: "PagerDuty note")
        guard let note = answer.note else { throw SourceError(.malformed, "PagerDuty note: the response has no 'note'") }
        return (note.user?.label, note.createdAt)
    }

    struct NoteAnswer: Decodable {
        struct Note: Decodable {
            var user: Reference?
            var createdAt: Date?
            enum CodingKeys: String, CodingKey { case user, createdAt = "created_at" }
        }
        var note: Note?
    }
}
