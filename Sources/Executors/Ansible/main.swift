// promshard-exec-ansible: the built-in `ansible` executor (plugin protocol v1).
//
//   promshard-exec-ansible describe   → {"name":"ansible","version":"0.1.0","protocol":1}
//   promshard-exec-ansible run        ← request JSON on stdin; see AnsibleDelivery and docs/PLUGINS.md.
import PromshardExecutorKit
import PromshardProtocol

ExecutorMain.run(description: ExecutorDescription(name: "ansible", version: "0.1.0")) {
    (request, context) throws(ExecutorBadRequest) in
    try AnsibleDelivery.run(request, context)
}
