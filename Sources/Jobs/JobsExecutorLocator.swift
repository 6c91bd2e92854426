import Foundation
import PromshardRuntime

/// The executable of `jobs.executor`: `ansible` is the `promshard-exec-job`
/// binary installed next to `promshard`; anything else is a plugin's path.
public enum JobsExecutorLocator {
    public static func resolve(_ executor: String) -> String {
        guard executor == "ansible" else { return executor }
        return ((executablePath() as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("promshard-exec-job")
    }
}
