import CYAML

/// A YAML syntax or structure error, positioned in the text.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    /// `line L, column C: message`
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// YAML parsing over libyaml's event API.
///
/// - Only the first document of a stream is accepted: a second document
///   (`---` after content) is an error, so a file is never half-read.
/// - Anchors and aliases are resolved; an alias to an unknown (or not yet
///   complete) anchor is an error, and alias expansion is capped (at
///   ``maxAliasExpansion`` nodes) so an "alias bomb" cannot exhaust memory.
/// - `<<` merge keys (YAML 1.1) are applied: explicit keys win over merged ones.
/// - Nesting deeper than ``maxDepth`` is an error (no stack overflow later).
/// - Duplicate mapping keys are an error unless `allowDuplicateKeys` is set,
///   in which case they are kept in ``YAMLNode/Kind/mapping(_:)`` for the
///   caller to report.
public enum YAML {
    /// Maximum nesting of collections.
    public static let maxDepth = 256
    /// Maximum number of nodes that aliases may copy in one document.
    public static let maxAliasExpansion = 1_000_000

    /// Parses `text`; nil for an empty stream or an empty document.
    public static func parse(_ text: String, allowDuplicateKeys: Bool = false) throws(YAMLError) -> YAMLNode?
    {
        try parse(bytes: Array(text.utf8), allowDuplicateKeys: allowDuplicateKeys)
    }

    /// Parses raw bytes (UTF-8/16 with BOM detection by libyaml); invalid
    /// encodings are reported with their position. Nil for an empty document.
    public static func parse(bytes: [UInt8], allowDuplicateKeys: Bool = false) throws(YAMLError) -> YAMLNode?
    {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        defer { buffer.deallocate() }
        if !bytes.isEmpty { buffer.initialize(from: bytes, count: bytes.count) }

        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLError(message: "cannot initialize the YAML parser", line: 1, column: 1)
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, buffer, bytes.count)

        var builder = TreeBuilder(allowDuplicateKeys: allowDuplicateKeys)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                throw libyamlError(parser.pointee, bytes: bytes)
            }
            let result: Result<Bool, YAMLError>
            do throws(YAMLError) {
                result = .success(try builder.handle(&event))
            } catch {
                result = .failure(error)
            }
            yaml_event_delete(&event)
            switch result {
            case .success(true): return builder.root
            case .success(false): continue
            case .failure(let error): throw error
            }
        }
    }

    private static func libyamlError(_ p: yaml_parser_t, bytes: [UInt8]) -> YAMLError {
        var problem = p.problem.map { String(cString: $0) } ?? "unknown error"
        switch p.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(message: "out of memory", line: 1, column: 1)
        case YAML_READER_ERROR:
            if p.problem_value != -1 {
                let hex = String(UInt32(truncatingIfNeeded: p.problem_value), radix: 16, uppercase: true)
                problem += " #x\(hex)"
            }
            let (line, column) = position(ofOffset: p.problem_offset, in: bytes)
            return YAMLError(message: problem, line: line, column: column)
        default:
            var contextLine: Int?
            if let context = p.context.map({ String(cString: $0) }) {
                problem +=
                    " (\(context) at line \(p.context_mark.line + 1), column \(p.context_mark.column + 1))"
                contextLine = Int(p.context_mark.line) + 1
            }
            let error = YAMLError(
                message: problem, line: Int(p.problem_mark.line) + 1, column: Int(p.problem_mark.column) + 1)
            return YAMLHints.rewrite(error, contextLine: contextLine, text: bytes)
        }
    }

    private static func position(ofOffset offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for i in 0..<end where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return (line, end - lineStart + 1)
    }
}

/// Builds the node tree from the event stream.
private struct TreeBuilder {
    /// A collection being built.
    private struct Frame {
        var isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var line: Int
        var column: Int
        var anchor: String?
        /// Nodes in the subtree (aliases counted at their expanded size).
        var size = 1
        /// Height of the subtree (a scalar has height 1).
        var height = 1
    }

    private struct Built {
        var node: YAMLNode
        var size: Int
        var height: Int
    }

    let allowDuplicateKeys: Bool
    private(set) var root: YAMLNode?
    private var stack: [Frame] = []
    private var anchors: [String: Built] = [:]
    private var expanded = 0
    private var documents = 0

    init(allowDuplicateKeys: Bool) { self.allowDuplicateKeys = allowDuplicateKeys }

    /// Returns true at the end of the stream.
    mutating func handle(_ event: inout yaml_event_t) throws(YAMLError) -> Bool {
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw YAMLError(
                    message: "more than one YAML document in the stream (only one is supported)",
                    line: line, column: column)
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let tag = s.tag.map { String(cString: $0) }
            let style: YAMLScalarStyle
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let node = YAMLNode(
                .scalar(YAMLScalar(value: value, tag: tag, style: style)), line: line, column: column)
            let built = Built(node: node, size: 1, height: 1)
            if let anchor = s.anchor { anchors[String(cString: anchor)] = built }
            try add(built)
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            guard var target = anchors[name] else {
                throw YAMLError(message: "unknown alias *\(name)", line: line, column: column)
            }
            expanded += target.size
            if expanded > YAML.maxAliasExpansion {
                throw YAMLError(
                    message: "aliases expand to more than \(YAML.maxAliasExpansion) nodes", line: line,
                    column: column)
            }
            target.node.line = line
            target.node.column = column
            try add(target)
        case YAML_SEQUENCE_START_EVENT:
            try checkDepth(1, line: line, column: column)
            let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
            stack.append(Frame(isMapping: false, line: line, column: column, anchor: anchor))
        case YAML_MAPPING_START_EVENT:
            try checkDepth(1, line: line, column: column)
            let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
            stack.append(Frame(isMapping: true, line: line, column: column, anchor: anchor))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { break }
            let kind: YAMLNode.Kind =
                frame.isMapping ? .mapping(try finishMapping(frame.pairs)) : .sequence(frame.items)
            let built = Built(
                node: YAMLNode(kind, line: frame.line, column: frame.column), size: frame.size,
                height: frame.height)
            if let anchor = frame.anchor { anchors[anchor] = built }
            try add(built)
        default:
            break
        }
        return false
    }

    /// Refuses a subtree of `height` below the current collections when the
    /// total would exceed ``YAML/maxDepth`` (aliases can stack heights).
    private func checkDepth(_ height: Int, line: Int, column: Int) throws(YAMLError) {
        if stack.count + height > YAML.maxDepth {
            throw YAMLError(
                message: "nesting deeper than \(YAML.maxDepth) levels", line: line, column: column)
        }
    }

    private mutating func add(_ built: Built) throws(YAMLError) {
        guard var top = stack.popLast() else {
            // An empty plain document (`---` alone) counts as no document.
            if let s = built.node.scalar, s.style == .plain, s.tag == nil, s.value.isEmpty {
                root = nil
            } else {
                root = built.node
            }
            return
        }
        try checkDepth(built.height, line: built.node.line, column: built.node.column)
        top.size += built.size
        top.height = max(top.height, built.height + 1)
        if !top.isMapping {
            top.items.append(built.node)
        } else if let key = top.pendingKey {
            top.pairs.append(YAMLPair(key: key, value: built.node))
            top.pendingKey = nil
        } else {
            top.pendingKey = built.node
        }
        stack.append(top)
    }

    private static func isMergeKey(_ key: YAMLNode) -> Bool {
        guard let s = key.scalar, s.value == "<<", s.style == .plain else { return false }
        return s.tag == nil || s.tag == "tag:yaml.org,2002:merge"
    }

    /// Applies `<<` merge keys and checks duplicate keys.
    private func finishMapping(_ pairs: [YAMLPair]) throws(YAMLError) -> [YAMLPair] {
        var explicit: [YAMLPair] = []
        var sources: [YAMLNode] = []
        var seen: [String: Int] = [:]
        for pair in pairs {
            if Self.isMergeKey(pair.key) {
                switch pair.value.kind {
                case .mapping: sources.append(pair.value)
                case .sequence(let items) where items.allSatisfy({ $0.pairs != nil }):
                    sources.append(contentsOf: items)
                default:
                    throw YAMLError(
                        message: "the value of a << merge key must be a mapping or a sequence of mappings",
                        line: pair.value.line, column: pair.value.column)
                }
                continue
            }
            let key = pair.key.keyText
            if let first = seen[key] {
                if !allowDuplicateKeys {
                    throw YAMLError(
                        message: "duplicate key \"\(key)\" (first on line \(first))", line: pair.key.line,
                        column: pair.key.column)
                }
            } else {
                seen[key] = pair.key.line
            }
            explicit.append(pair)
        }
        for source in sources {
            for pair in source.pairs ?? [] where seen[pair.key.keyText] == nil {
                seen[pair.key.keyText] = pair.key.line
                explicit.append(pair)
            }
        }
        return explicit
    }
}
