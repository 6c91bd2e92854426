import Foundation

/// Finds the playbook when `params.playbook` is not set: the shipped
/// `copy_file_and_reload.yaml`, looked up in this order:
///
/// 1. `$PROMSHARD_PLUGINS_DIR/ansible/copy_file_and_reload.yaml`;
/// 2. `<dir of this executable>/../share/promshard/plugins/ansible/…`
///    (an install under a prefix: `/usr/local/bin` → `/usr/local/share/…`);
/// 3. `/usr/share/promshard/plugins/ansible/…`, `/etc/promshard/plugins/ansible/…`.
enum PlaybookLocator {
    static let relativePath = "ansible/copy_file_and_reload.yaml"

    /// Candidate paths, in search order.
    static func candidates(environment: [String: String], executable: String) -> [String] {
        var paths: [String] = []
        if let dir = environment["PROMSHARD_PLUGINS_DIR"], !dir.isEmpty {
            paths.append("\(dir)/\(relativePath)")
        }
        let bin = (executable as NSString).deletingLastPathComponent
        if !bin.isEmpty {
            let prefix = ((bin as NSString).deletingLastPathComponent as NSString).standardizingPath
            paths.append("\(prefix)/share/promshard/plugins/\(relativePath)")
        }
        paths += ["/usr/share/promshard/plugins/\(relativePath)", "/etc/promshard/plugins/\(relativePath)"]
        return paths
    }

    /// The first candidate that exists, or the list that was searched.
    static func find(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String = PlaybookLocator.executablePath()
    ) -> Result<String, PlaybookNotFound> {
        let paths = candidates(environment: environment, executable: executable)
        if let found = paths.first(where: { FileManager.default.isReadableFile(atPath: $0) }) {
            return .success(found)
        }
        return .failure(PlaybookNotFound(searched: paths))
    }

    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
    }
}

/// No `params.playbook` and no shipped playbook in the searched places.
struct PlaybookNotFound: Error {
    var searched: [String]
    var message: String {
        "params.playbook is not set and the default playbook is not installed (searched \(searched.joined(separator: ", "))); set params.playbook or PROMSHARD_PLUGINS_DIR"
    }
}
