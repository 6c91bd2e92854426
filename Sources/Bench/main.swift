import Foundation
import PromshardHashingEngine

// promshard-bench: compares assignment schemes on the same inputs (see docs/PERFORMANCE.md).

/// Writes one line to stdout unbuffered, so progress shows while long rows run.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

// `jobs` (the jobs engine and its stores) and the fake executor it runs have their own arguments.
switch CommandLine.arguments.dropFirst().first {
case "jobs": exit(JobsBench.main(Array(CommandLine.arguments.dropFirst(2))))
case "fake-job-executor": exit(FakeJobExecutor.main(Array(CommandLine.arguments.dropFirst(2))))
default: break
}

let options: Options
do {
    options = try Options(Array(CommandLine.arguments.dropFirst()))
} catch {
    if !error.message.isEmpty {
        FileHandle.standardError.write(Data("promshard-bench: \(error.message)\n".utf8))
    }
    FileHandle.standardError.write(Data((Options.usage + "\n").utf8))
    exit(error.message.isEmpty ? 0 : 2)
}

switch options.mode {
case .codec:
    emit(CodecBench.header)
    emit(CodecBench.rule)
    for line in CodecBench.run(groups: options.targets) { emit(line) }
case .daemon:
    let promshard =
        options.promshard
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "promshard"
        ).path
    emit(DaemonBench.header)
    emit(DaemonBench.rule)
    for size in options.sizes {
        do {
            let row = try DaemonBench.run(
                targets: size.targets, collectors: size.collectors, promshard: promshard,
                timeout: options.phaseTimeout, keep: options.keep)
            emit(DaemonBench.line(row))
        } catch {
            FileHandle.standardError.write(
                Data("promshard-bench: \(size.targets)×\(size.collectors): \(error)\n".utf8))
            exit(1)
        }
    }
case .digest:
    let plan = RendezvousAssigner.assign(
        service: Fleet.service, targetIDs: Fleet.targets(options.targets),
        nodes: Fleet.collectors(options.collectors), replicas: options.replicas,
        maxLoadFactor: options.maxLoadFactor)
    print(String(plan.digest, radix: 16))
case .sequence:
    for size in options.sizes {
        let targets = Fleet.targets(size.targets)
        let changes = SequenceRun.changes(
            count: options.steps, collectors: size.collectors, seed: options.seed)
        emit(
            "\n\(size.targets) targets, \(size.collectors) collectors, \(options.steps) random leaves/joins (seed \(options.seed))\n"
        )
        emit(SequenceRun.header)
        emit(SequenceRun.rule)
        var runs: [SequenceRun] = []
        for scheme in options.schemes {
            let run = SequenceRun(scheme, targets: targets, collectors: size.collectors, changes: changes)
            emit(run.line)
            runs.append(run)
        }
        let every = max(1, options.steps / 10)
        emit("\nmax/avg after every \(every) steps:\n")
        emit(
            "| scheme | " + (1...(options.steps / every)).map { "\($0 * every)" }.joined(separator: " | ")
                + " |")
        emit("|---|" + String(repeating: "---:|", count: options.steps / every))
        for run in runs {
            emit(
                "| \(run.scheme) | "
                    + run.balanceSeries(every: every).map { SequenceRun.fixed($0, 4) }.joined(
                        separator: " | ") + " |")
        }
    }
case .table where options.trials > 1:
    emit(TrialSummary.header)
    emit(TrialSummary.rule)
    for size in options.sizes {
        let targets = Fleet.targets(size.targets)
        for scheme in options.schemes {
            let rows = (0..<options.trials).map { trial in
                Harness.run(
                    scheme, service: trial == 0 ? Fleet.service : "\(Fleet.service)-\(trial)",
                    targets: targets,
                    collectors: size.collectors, repeats: 1)
            }
            emit(TrialSummary(rows).line)
        }
    }
case .table:
    emit(Report.header)
    emit(Report.rule)
    var rows: [BenchRow] = []
    for size in options.sizes {
        let targets = Fleet.targets(size.targets)
        for scheme in options.schemes {
            let row = Harness.run(
                scheme, targets: targets, collectors: size.collectors, repeats: options.repeats)
            emit(Report.line(row))
            rows.append(row)
        }
    }
    let peak = rows.map(\.peakRSS).max() ?? 0
    emit("\npeak RSS of the whole process: \(peak / (1 << 20)) MB")
    if let path = options.jsonPath {
        let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores"
        do {
            try Report.json(rows, machine: machine).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            FileHandle.standardError.write(Data("promshard-bench: cannot write \(path): \(error)\n".utf8))
            exit(1)
        }
    }
}
