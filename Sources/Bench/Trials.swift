/// Repeats a row over several services (independent hash instances) and summarises the spread:
/// one benchmark line is a single random instance, this shows how typical it is.
struct TrialSummary {
    var scheme: String
    var targets: Int
    var collectors: Int
    var trials: Int
    var maxOverAvg: (mean: Double, worst: Double)
    var addRatio: (mean: Double, worst: Double)
    var removeRatio: (mean: Double, worst: Double)

    init(_ rows: [BenchRow]) {
        scheme = rows[0].scheme
        targets = rows[0].targets
        collectors = rows[0].collectors
        trials = rows.count
        func spread(_ values: [Double]) -> (Double, Double) {
            (values.reduce(0, +) / Double(values.count), values.max() ?? 0)
        }
        maxOverAvg = spread(rows.map(\.maxOverAvg))
        addRatio = spread(rows.map(\.addRatio))
        removeRatio = spread(rows.map(\.removeRatio))
    }

    static let header =
        "| scheme | targets | collectors | trials | max/avg mean | max/avg worst | +1/ideal mean | +1/ideal worst | −1/ideal mean | −1/ideal worst |"
    static let rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

    var line: String {
        func f(_ v: Double) -> String {
            let scaled = (v * 1000).rounded() / 1000
            return "\(scaled)"
        }
        let cells = [
            scheme, "\(targets)", "\(collectors)", "\(trials)", f(maxOverAvg.mean), f(maxOverAvg.worst),
            f(addRatio.mean), f(addRatio.worst), f(removeRatio.mean), f(removeRatio.worst),
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }
}
