/// Command line of `promshard-bench`.
///
///     promshard-bench [--quick] [--sizes 100000x10,...] [--schemes a,b] [--repeat K] [--trials K]
///                     [--json FILE]
///     promshard-bench digest --targets N --collectors M [--replicas R] [--max-load-factor F|inf]
///     promshard-bench sequence [--sizes TxC,...] [--schemes a,b] [--steps K] [--seed S]
///     promshard-bench jobs [--hosts N] [--rows N] [--queries N] [--stores sqlite,postgres]
struct Options {
    enum Mode { case table, digest, sequence, daemon, codec }

    var mode = Mode.table
    var sizes: [(targets: Int, collectors: Int)] = [
        (100_000, 10), (100_000, 100), (100_000, 1000), (1_000_000, 100),
    ]
    var schemes = Scheme.standard
    var trials = 1
    var repeats = 3
    var jsonPath: String?
    var targets = 1000
    var collectors = 10
    var replicas = 1
    var maxLoadFactor: Double?
    var steps = 200
    var seed: UInt64 = 1
    /// `daemon`: the promshard binary (default: next to this one) and the timeout of each phase.
    var promshard: String?
    var phaseTimeout: Double = 600
    /// `daemon`: keep the directory (config, log, delivered files) for a look afterwards.
    var keep = false

    static let usage = """
        usage: promshard-bench [--quick] [--sizes TxC,...] [--schemes NAME,...] [--repeat K]
                               [--trials K] [--json FILE]
               schemes: hashmod ring512 rendezvous promshard cap:F adaptive:F:B
               promshard-bench digest --targets N --collectors M [--replicas R] [--max-load-factor F|inf]
               promshard-bench sequence [--sizes TxC,...] [--schemes NAME,...] [--steps K] [--seed S]
               schemes also: sticky sticky:F
               promshard-bench daemon [--sizes TxC,... | --targets N --collectors M] [--promshard PATH]
                                      [--phase-timeout SECONDS] [--keep]
               promshard-bench codec [--targets N]
               promshard-bench jobs [--hosts N] [--rows N] [--queries N] [--stores sqlite,postgres]
        """

    init(_ arguments: [String]) throws(UsageError) {
        var args = arguments[...]
        if args.first == "digest" {
            mode = .digest
            args = args.dropFirst()
        } else if args.first == "sequence" {
            mode = .sequence
            sizes = [(100_000, 10), (100_000, 100)]
            schemes = ["rendezvous", "promshard", "sticky"].map { Scheme($0)! }
            args = args.dropFirst()
        } else if args.first == "codec" {
            mode = .codec
            targets = 1_000_000
            args = args.dropFirst()
        } else if args.first == "daemon" {
            mode = .daemon
            sizes = [(10_000, 10), (100_000, 10), (100_000, 100), (1_000_000, 100)]
            args = args.dropFirst()
        }
        while let flag = args.popFirst() {
            func value() throws(UsageError) -> String {
                guard let v = args.popFirst() else { throw UsageError("\(flag) needs a value") }
                return v
            }
            func number() throws(UsageError) -> Int {
                let text = try value()
                guard let n = Int(text), n >= 0 else { throw UsageError("\(flag): not a count: \(text)") }
                return n
            }
            switch flag {
            case "--quick": sizes = [(10_000, 10), (10_000, 100)]
            case "--sizes": sizes = try Self.parseSizes(try value())
            case "--schemes":
                schemes = try value().split(separator: ",").map { name throws(UsageError) in
                    guard let s = Scheme(String(name)) else { throw UsageError("unknown scheme \(name)") }
                    return s
                }
            case "--trials": trials = max(1, try number())
            case "--repeat": repeats = try number()
            case "--json": jsonPath = try value()
            case "--steps": steps = max(1, try number())
            case "--seed": seed = UInt64(try number())
            case "--targets":
                targets = try number()
                if mode == .daemon { sizes = [(targets, collectors)] }
            case "--collectors":
                collectors = try number()
                if mode == .daemon { sizes = [(targets, collectors)] }
            case "--promshard": promshard = try value()
            case "--phase-timeout": phaseTimeout = Double(try number())
            case "--keep": keep = true
            case "--replicas": replicas = try number()
            case "--max-load-factor":
                let text = try value()
                guard let f = text == "inf" ? .infinity : Double(text) else {
                    throw UsageError("--max-load-factor: not a number: \(text)")
                }
                maxLoadFactor = f
            case "-h", "--help": throw UsageError("")
            default: throw UsageError("unknown argument \(flag)")
            }
        }
    }

    private static func parseSizes(_ text: String) throws(UsageError) -> [(targets: Int, collectors: Int)] {
        try text.split(separator: ",").map { item throws(UsageError) in
            let parts = item.split(separator: "x")
            guard parts.count == 2, let t = Int(parts[0]), let c = Int(parts[1]), c > 1 else {
                throw UsageError("bad size \(item), expected TARGETSxCOLLECTORS with at least 2 collectors")
            }
            return (t, c)
        }
    }
}

/// A command-line mistake; an empty message asks for the usage only.
struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
