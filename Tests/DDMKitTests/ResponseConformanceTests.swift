import Foundation
import Testing
@testable import DDMKit

/// The answers the official SDK's response models allow, read by the calls DDMKit makes: the
/// mirror of SDKConformanceTests for requests. The bodies are data (`Tests/SDKSpec/responses-*.json`,
/// written by `scripts/sdk-responses` from the pinned SDK): per operation a full body, a sparse
/// one, one with every optional field null, one with unknown fields at every level, numbers and
/// booleans as strings, strings as numbers, and null lists.
///
/// Each body must be read (a field the SDK does not require may be missing or null, so a model
/// that requires one fails here), and every field DDMKit's model has must hold what was sent: a
/// value read as unknown, or read differently, is a failure.
@Suite struct ResponseConformanceTests {
    static let bodiesURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SDKSpec/responses-3.1.219.json")

    struct Bodies: Decodable {
        struct Operation: Decodable {
            var response: String
            var variants: [String: JSONValue]
        }
        var sdk: String
        var operations: [String: Operation]
    }

    static func bodies() throws -> Bodies {
        try JSONDecoder().decode(Bodies.self, from: Data(contentsOf: bodiesURL))
    }

    /// The SDK operation's reader: DDMKit's entry whose older or v3 call it is.
    static func reader(_ sdkName: String) -> DDMOperationID.AnswerReader? {
        for id in DDMOperationID.allCases {
            if id.sdkNames.v3 == sdkName { return id.answerReader(v3: true) }
            if id.sdkNames.older == sdkName { return id.answerReader(v3: false) }
        }
        return nil
    }

    /// The bodies file as parsed, once for the whole suite (read only after it is made).
    nonisolated(unsafe) static let parsed: [String: Any]? = (try? Data(contentsOf: bodiesURL)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }

    static func raw(_ operation: String, _ variant: String) throws -> [UInt8] {
        guard let all = parsed,
              let ops = all["operations"] as? [String: Any], let op = ops[operation] as? [String: Any],
              let variants = op["variants"] as? [String: Any], let body = variants[variant] else { return [] }
        return Array(try JSONSerialization.data(withJSONObject: body, options: [.fragmentsAllowed]))
    }

    @Test func theBodiesAreThePinnedSDKs() throws {
        let b = try Self.bodies()
        #expect(b.sdk == SDKOperation.sdk)
        #expect(Set(b.operations.keys) == Set(SDKOperation.all.map(\.name)))
    }

    @Test(arguments: ["full", "sparse", "nulls", "extra", "strings", "numbers", "nullLists", "noLists", "order"])
    func everyAnswerIsReadAsSent(_ variant: String) throws {
        let bodies = try Self.bodies()
        var failures: [String] = []
        var read = 0
        for name in bodies.operations.keys.sorted() {
            guard let sent = bodies.operations[name]?.variants[variant] else { continue }
            guard let reader = Self.reader(name) else { failures.append("\(name): DDMKit has no call for it"); continue }
            let body = try Self.raw(name, variant)
            do {
                let value = try reader(body)
                read += 1
                var wrong: [String] = []
                Self.compare(value, sent, path: "", into: &wrong)
                failures += wrong.map { "\(name): \($0)" }
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(variant): \(failures.count) failures:\n\(failures.joined(separator: "\n"))")
        #expect(read > 0)
    }

    static let examplesURL = bodiesURL.deletingLastPathComponent().appendingPathComponent("otc-examples.json")

    struct Examples: Decodable {
        struct Example: Decodable { var source: String; var operation: String; var body: JSONValue }
        var repository: String
        var examples: [Example]
    }

    /// The API reference's own example answers (`scripts/otc-examples`, each with its source
    /// page): read by the call DDMKit makes for the operation, every field held as sent. Where an
    /// example and the SDK disagree on a type (a port as a number, `need_restart` as a string),
    /// DDMKit reads both (docs/client.md, "Reading answers").
    @Test func theReferencesExamplesAreReadAsSent() throws {
        let data = try Data(contentsOf: Self.examplesURL)
        let file = try JSONDecoder().decode(Examples.self, from: data)
        guard let raw = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let bodies = raw["examples"] as? [[String: Any]] else { Issue.record("unreadable examples file"); return }
        #expect(file.examples.count == bodies.count && file.examples.count >= 60)
        var failures: [String] = []
        for (example, rawExample) in zip(file.examples, bodies) {
            guard let reader = Self.reader(example.operation) else { failures.append("\(example.operation): DDMKit has no call for it"); continue }
            let body = Array(try JSONSerialization.data(withJSONObject: rawExample["body"] ?? [:], options: [.fragmentsAllowed]))
            do {
                var wrong: [String] = []
                Self.compare(try reader(body), example.body, path: "", into: &wrong)
                failures += wrong.map { "\(example.source) (\(example.operation)): \($0)" }
            } catch {
                failures.append("\(example.source) (\(example.operation)): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.joined(separator: "\n"))")
    }

    /// The mutation check: a model that requires a field the SDK leaves optional (here v1 show
    /// instance's `vpc_id`) cannot read the `sparse` and `nulls` bodies, so such a model fails
    /// `everyAnswerIsReadAsSent`.
    @Test(arguments: ["sparse", "nulls"])
    func aModelRequiringAnOptionalFieldFails(_ variant: String) throws {
        struct Mutated: Decodable, Sendable { var id: String; var name: String; var vpcId: String }
        struct AsShipped: Decodable, Sendable { var id: String; var name: String; var vpcId: String? }
        let body = HTTPResponseData(status: 200, headers: [], body: try Self.raw("show_instance", variant))
        #expect(throws: DDMError.self) { _ = try DDMClient.read(Mutated.self, body, operation: "show instance") }
        #expect(try DDMClient.read(AsShipped.self, body, operation: "show instance").vpcId == nil)
    }

    /// The lenient reading's conversions, one by one: 0 and 1 stay numbers (not booleans) when
    /// read as text, whole decimals are integers, and both key spellings read.
    @Test func theLenientReadingsConversions() throws {
        struct Shape: Decodable, Sendable {
            var port: String; var count: Int; var flag: Bool; var ratio: Double
            var on: Bool?; var small: String?; var list: [String]; var missing: [Int]; var jobId: String?
        }
        let body = #"{"port": 1, "count": "5066.0", "flag": "true", "ratio": "0.5", "on": 0, "small": 0, "list": null, "job_id": 42}"#
        let s = try DDMClient.read(Shape.self, HTTPResponseData(status: 200, headers: [], body: Array(body.utf8)), operation: "t")
        #expect(s.port == "1" && s.count == 5066 && s.flag && s.ratio == 0.5)
        #expect(s.on == false && s.small == "0" && s.list.isEmpty && s.missing.isEmpty && s.jobId == "42")
    }

    /// Walks DDMKit's decoded value beside the JSON sent (keys already in camel case, as DDMKit
    /// reads them) and names every field whose value differs from what was sent.
    static func compare(_ value: Any, _ json: JSONValue, path: String, into wrong: inout [String]) {
        if let field = value as? UnknownIfAbsent {
            if json.isNull { if field.wrappedValue != UnknownIfAbsent.unknown { wrong.append("\(path): sent null, read as \(field.wrappedValue)") } }
            else { compare(field.wrappedValue, json, path: path, into: &wrong) }
            return
        }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let some = mirror.children.first?.value else {
                if !json.isNull, !(json.isEmptyList) { wrong.append("\(path): sent \(json.text ?? json.kind), read as unknown") }
                return
            }
            compare(some, json, path: path, into: &wrong)
            return
        }
        if let text = scalarText(value) {
            guard let sent = json.text else {
                if !json.isNull { wrong.append("\(path): sent \(json.kind), read as \(text)") }
                return
            }
            if value is Bool {
                let truth = ["true", "1"].contains(sent.lowercased())
                if (value as! Bool) != truth { wrong.append("\(path): sent \(sent), read as \(text)") }
            } else if value is Double || value is Float {
                if Double(sent) != Double(text) { wrong.append("\(path): sent \(sent), read as \(text)") }
            } else if sent != text {
                wrong.append("\(path): sent \(sent), read as \(text)")
            }
            return
        }
        switch mirror.displayStyle {
        case .collection?:
            guard case .array(let items) = json else { return }
            for (i, (child, item)) in zip(mirror.children, items).enumerated() {
                compare(child.value, item, path: "\(path)[\(i)]", into: &wrong)
            }
        case .struct?, .class?:
            guard case .object(let object) = json else { return }
            for child in mirror.children {
                guard let label = child.label else { continue }
                let key = label.hasPrefix("_") ? String(label.dropFirst()) : label
                guard let sent = object[key] else { continue }
                compare(child.value, sent, path: path.isEmpty ? key : "\(path).\(key)", into: &wrong)
            }
        default:
            break
        }
    }

    static func scalarText(_ value: Any) -> String? {
        switch value {
        case let s as String: return s
        case let b as Bool: return b ? "true" : "false"
        case let i as Int: return String(i)
        case let i as Int64: return String(i)
        case let d as Double: return String(d)
        case let r as any RawRepresentable: return r.rawValue as? String
        default: return nil
        }
    }
}

extension JSONValue {
    /// A scalar's text as sent; nil for null, lists and objects.
    var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    var isEmptyList: Bool { if case .array(let a) = self { return a.isEmpty } else { return false } }
}
