// promshard-exec-scp: the built-in `scp` executor (plugin protocol v1).
//
//   promshard-exec-scp describe   → {"name":"scp","version":"0.1.0","protocol":1}
//   promshard-exec-scp run        ← request JSON on stdin; see ScpDelivery and docs/PLUGINS.md.
import PromshardExecutorKit
import PromshardProtocol

ExecutorMain.run(description: ExecutorDescription(name: "scp", version: "0.1.0")) {
    (request, context) throws(ExecutorBadRequest) in
    try ScpDelivery.run(request, context)
}
