/// Plain-language rewrites of libyaml's scanner and parser errors for the
/// two mistakes people make most in a promshard config:
///
/// - a tab in the indentation: libyaml says "found character that cannot
///   start any token"; the rewrite says "tabs are not allowed for
///   indentation";
/// - an unquoted placeholder such as `{port}`, which YAML reads as the start
///   of a flow mapping (`dispatch: { dest: out/{port}.json }`): the raw
///   message ("did not find expected ',' or '}'") gets a hint with the value
///   quoted.
///
/// Pure: works on the text and the error's position only.
enum YAMLHints {
    /// `error` as libyaml reported it (lines 1-based), with `contextLine` the
    /// line of the construct being parsed (a flow mapping may span lines).
    static func rewrite(_ error: YAMLError, contextLine: Int?, text: [UInt8]) -> YAMLError {
        let lines = splitLines(text)
        guard error.line >= 1, error.line <= lines.count else { return error }
        if isIndentationTab(line: lines[error.line - 1], column: error.column) {
            return YAMLError(
                message: "tabs are not allowed for indentation; indent with spaces",
                line: error.line, column: error.column)
        }
        let first = max(1, min(contextLine ?? error.line, error.line))
        for number in first...error.line {
            if let quoted = quotedSuggestion(line: lines[number - 1]) {
                var hinted = error
                hinted.message +=
                    "; hint: YAML reads \(quoted.placeholder) as the start of a mapping, quote the value on line \(number): \(quoted.suggestion)"
                return hinted
            }
        }
        return error
    }

    // MARK: Tabs

    /// True when the character at `column` (1-based, in code points as libyaml
    /// counts) is a tab and only indentation (spaces, tabs, `- ` sequence
    /// markers) comes before it on the line.
    static func isIndentationTab(line: [Unicode.Scalar], column: Int) -> Bool {
        guard column >= 1, column <= line.count, line[column - 1] == "\t" else { return false }
        return line[..<(column - 1)].allSatisfy { $0 == " " || $0 == "\t" || $0 == "-" }
    }

    // MARK: Placeholders

    /// The first unquoted `{word}` on the line and the value around it,
    /// quoted (`dest: "out/{port}.json"`); nil when there is none.
    static func quotedSuggestion(line: [Unicode.Scalar]) -> (placeholder: String, suggestion: String)? {
        guard let (start, end) = firstUnquotedPlaceholder(line) else { return nil }
        let stops: Set<Unicode.Scalar> = [" ", "\t", ",", "[", "]", "{", "}"]
        var valueStart = start
        while valueStart > 0, !stops.contains(line[valueStart - 1]) { valueStart -= 1 }
        var valueEnd = end
        while valueEnd < line.count {
            if line[valueEnd] == "{", let (_, e) = placeholder(in: line, at: valueEnd) {
                valueEnd = e
                continue
            }
            if stops.contains(line[valueEnd]) { break }
            valueEnd += 1
        }
        let value = String(String.UnicodeScalarView(line[valueStart..<valueEnd]))
        let placeholderText = String(String.UnicodeScalarView(line[start..<end]))
        var suggestion = "\"\(value)\""
        if let key = key(before: valueStart, in: line) { suggestion = "\(key): " + suggestion }
        return (placeholderText, suggestion)
    }

    /// `[start, end)` of the first `{identifier}` outside quotes and comments.
    static func firstUnquotedPlaceholder(_ line: [Unicode.Scalar]) -> (Int, Int)? {
        var quote: Unicode.Scalar?
        var i = 0
        while i < line.count {
            let c = line[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#", i == 0 || line[i - 1] == " " || line[i - 1] == "\t" {
                return nil
            } else if c == "{", let found = placeholder(in: line, at: i) {
                return found
            }
            i += 1
        }
        return nil
    }

    /// `{identifier}` starting at `index`, as `[start, end)`.
    private static func placeholder(in line: [Unicode.Scalar], at index: Int) -> (Int, Int)? {
        var j = index + 1
        while j < line.count, isIdentifier(line[j]) { j += 1 }
        guard j > index + 1, j < line.count, line[j] == "}" else { return nil }
        return (index, j + 1)
    }

    /// The mapping key written just before a value (`dest` in `dest: value`).
    private static func key(before valueStart: Int, in line: [Unicode.Scalar]) -> String? {
        var i = valueStart
        while i > 0, line[i - 1] == " " || line[i - 1] == "\t" { i -= 1 }
        guard i > 0, line[i - 1] == ":" else { return nil }
        let keyEnd = i - 1
        var keyStart = keyEnd
        while keyStart > 0, isIdentifier(line[keyStart - 1]) || line[keyStart - 1] == "-" { keyStart -= 1 }
        guard keyStart < keyEnd else { return nil }
        return String(String.UnicodeScalarView(line[keyStart..<keyEnd]))
    }

    private static func isIdentifier(_ c: Unicode.Scalar) -> Bool {
        c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    private static func splitLines(_ text: [UInt8]) -> [[Unicode.Scalar]] {
        String(decoding: text, as: UTF8.self).unicodeScalars.split(
            separator: "\n", omittingEmptySubsequences: false
        ).map { Array($0.filter { $0 != "\r" }) }
    }
}
