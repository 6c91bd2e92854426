extension ConfigDecoder {
    /// A share of a whole, written as a percentage (`50%`, `12.5%`) or as a
    /// fraction (`0.5`), between 0 and 1 inclusive; returned as a fraction.
    mutating func share(_ field: Field) -> Double? {
        let expected = "a percentage such as 50% or a fraction between 0 and 1"
        guard let s = field.node.scalar else {
            typeError(field, expected: expected)
            return nil
        }
        let value: Double
        switch s.resolved {
        case .int(let i): value = Double(i)
        case .float(let d): value = d
        case .string(let text) where text.hasSuffix("%"):
            guard let percent = Double(text.dropLast()), percent.isFinite else {
                report(field, "invalid percentage \"\(text)\": expected \(expected)")
                return nil
            }
            guard (0...100).contains(percent) else {
                report(field, "must be between 0% and 100%, got \(text)")
                return nil
            }
            return percent / 100
        default:
            typeError(field, expected: expected)
            return nil
        }
        guard value.isFinite, (0...1).contains(value) else {
            report(
                field, "must be between 0 and 1 as a fraction (or a percentage such as 50%), got \(s.value)")
            return nil
        }
        return value
    }
}
