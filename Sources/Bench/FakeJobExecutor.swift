import Foundation
import PromshardProtocol

/// `promshard-bench fake-job-executor describe|run`: a job executor
/// (protocol v1, request kind `job`) that answers at once: one `ok` line
/// per host of the request, then the final result line. It measures the
/// engine, not a remote command.
enum FakeJobExecutor {
    static func main(_ arguments: [String]) -> Int32 {
        switch arguments.first {
        case "describe":
            emit(#"{"name":"fake-job","version":"1.0","protocol":1}"#)
            return 0
        case "run":
            let input = FileHandle.standardInput.readDataToEndOfFile()
            guard let request = try? JSONDecoder().decode(JobRequest.self, from: input) else {
                emit(#"{"status":"failed","message":"not a job request"}"#)
                return 2
            }
            let encoder = JSONEncoder()
            var out = Data()
            for host in request.hosts {
                let line = JobHostLine(host: host, status: "ok", rc: 0, stdout: "fake")
                out += (try? encoder.encode(line)) ?? Data()
                out.append(0x0A)
            }
            out += Data(#"{"status":"ok","message":"all hosts answered"}"#.utf8)
            out.append(0x0A)
            FileHandle.standardOutput.write(out)
            return 0
        default:
            FileHandle.standardError.write(
                Data("usage: promshard-bench fake-job-executor describe|run\n".utf8))
            return 2
        }
    }
}
