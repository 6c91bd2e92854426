// promshard-exec-file: the built-in `file` executor (plugin protocol v1).
//
//   promshard-exec-file describe   → {"name":"file","version":"0.1.0","protocol":1}
//   promshard-exec-file run        ← request JSON on stdin; see FileDelivery.
import PromshardExecutorKit
import PromshardProtocol

ExecutorMain.run(description: ExecutorDescription(name: "file", version: "0.1.0")) {
    (request, context) throws(ExecutorBadRequest) in
    try FileDelivery.run(request, context)
}
