/// Quoting of arguments that a remote POSIX shell parses.
///
/// `ssh host arg1 arg2` does not pass an argv to the remote side: it joins
/// the arguments with spaces and the remote login shell parses that line.
/// Executors that run remote commands (`promshard-exec-scp`) therefore quote
/// every remote argument with ``quote(_:)``, so that a path such as
/// `/srv/it's $(here)` reaches the remote program as one literal argument.
public enum RemoteShell {
    /// `argument` in single quotes, each `'` inside written as `'\''`: the
    /// only quoting in which a POSIX shell interprets nothing (no `$`, `` ` ``,
    /// `\`, globbing or word splitting). The empty string becomes `''`.
    ///
    /// Rejects NUL (cannot be passed at all) and line breaks (a remote shell
    /// that is not POSIX, or a log line, would not keep them literal).
    public static func quote(_ argument: String) throws(RemoteShellError) -> String {
        for scalar in argument.unicodeScalars {
            switch scalar {
            case "\0": throw RemoteShellError(argument: argument, reason: "contains a NUL byte")
            case "\n", "\r": throw RemoteShellError(argument: argument, reason: "contains a line break")
            default: continue
            }
        }
        var quoted = "'"
        for character in argument.unicodeScalars {
            if character == "'" {
                quoted += #"'\''"#
            } else {
                quoted.unicodeScalars.append(character)
            }
        }
        return quoted + "'"
    }

    /// The remote command line of `argv`: every element quoted, joined by spaces.
    public static func commandLine(_ argv: [String]) throws(RemoteShellError) -> String {
        var parts: [String] = []
        for argument in argv { parts.append(try quote(argument)) }
        return parts.joined(separator: " ")
    }
}
