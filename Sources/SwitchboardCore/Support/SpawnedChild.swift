import Foundation

/// A child process started with posix_spawn and waited for with waitpid.
///
/// Not Foundation's `Process`: on Linux it learns that a child ended when a socket the
/// child inherited is closed, so while any process the child left running in the background
/// holds that socket (a step that starts a daemon, say), `waitUntilExit()` never returns.
/// swift-subprocess would do, but it is asynchronous throughout and a dependency to build
/// for these few lines. Here the child gets its standard streams and nothing else of ours.
package struct SpawnedChild: Sendable {
    package let pid: pid_t

    /// A child started elsewhere, to wait for.
    package init(pid: pid_t) { self.pid = pid }

    /// Starts `executable` with `arguments` (argv[0] is the executable) and `environment`;
    /// `stdin` and `stderr` replace ours when given (stdout is always ours). Signals are
    /// unblocked and at their defaults in the child, whatever this process does with them.
    package static func start(_ executable: String, _ arguments: [String], environment: [String: String],
                              stdin: Int32? = nil, stderr: Int32? = nil) throws(POSIXError) -> SpawnedChild {
        try start(executable, arguments, environment: environment) { actions in
            if let stdin { posix_spawn_file_actions_adddup2(&actions, stdin, 0) }
            if let stderr { posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        }
    }

    /// The same, with the standard streams set up by `streams` (dup2 or open actions).
    package static func start(_ executable: String, _ arguments: [String], environment: [String: String],
                              streams: (inout posix_spawn_file_actions_t) -> Void) throws(POSIXError) -> SpawnedChild {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        streams(&actions)
        closeAllButStandardStreams(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        return SpawnedChild(pid: pid)
    }

    /// Blocks until the child ends: its exit status, or 128 + the signal that ended it.
    package func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later), which Swift's
    /// Glibc module does not import.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil /* RTLD_DEFAULT */, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Adds "close every descriptor from 3 up" to `actions`, after the dup2s already in it.
    /// Without that glibc call, marks every open descriptor close-on-exec instead (one that
    /// another thread opens in between can still reach the child).
    package static func closeAllButStandardStreams(_ actions: inout posix_spawn_file_actions_t) {
        if let addCloseFrom, addCloseFrom(&actions, 3) == 0 { return }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for fd in names.compactMap({ Int32($0) }) where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
