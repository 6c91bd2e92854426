import Foundation
import PromshardRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Finds the executable of an executor: the built-in names (`file`, `scp`,
/// `ansible`) are the `promshard-exec-<name>` binaries installed next to
/// `promshard`; anything else is a path to a plugin.
public enum ExecutorLocator {
    /// Names of the built-in executors.
    public static let builtIn = ["file", "scp", "ansible"]

    /// The executable to run for `executor`.
    public static func resolve(_ executor: String) -> String {
        guard builtIn.contains(executor) else { return executor }
        return "\(installDirectory())/promshard-exec-\(executor)"
    }

    /// Why `executor` cannot be run, or nil when it looks runnable.
    public static func problem(with executor: String) -> String? {
        let path = resolve(executor)
        guard FileManager.default.fileExists(atPath: path) else {
            return builtIn.contains(executor)
                ? "built-in executor \"\(executor)\" is not installed (expected \(path))"
                : "executor \(path) does not exist"
        }
        guard access(path, X_OK) == 0 else { return "executor \(path) is not executable" }
        return nil
    }

    /// Directory of the running binary (where promshard-exec-* live).
    static func installDirectory() -> String {
        let exe = executablePath()
        return (exe as NSString).deletingLastPathComponent
    }
}
