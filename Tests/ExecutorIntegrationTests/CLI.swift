import Foundation
import PromshardTestSupport

/// Runs the built `promshard` binary once.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func promshard(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Binaries.path("promshard"))
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently so that neither fills up.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while reader.isExecuting || !reader.isFinished { usleep(1000) }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A minimal valid config: one service `node`, one static collector, `executor` and `state_dir` as given.
    static func config(executor: String, stateDir: String, extra: String = "") -> String {
        """
        state_dir: \(stateDir)
        services:
          - name: node
            collectors:
              static: [127.0.0.1:9090]
            targets:
              static: [10.0.0.1:9100]
            dispatch:
              executor: \(executor)
              dest: \(stateDir)/sd/{port}.json
        \(extra)
        """
    }
}
