import Foundation
import SwitchboardCore

/// What the tests' own posix_spawn calls give a child: its three standard streams and
/// nothing else of the test process.
///
/// Why it matters: Foundation's `Pipe` and the socket pair `Process` watches a child's exit
/// through are made without close-on-exec on Linux. A child spawned by another test at that
/// moment inherits them, and so do the long-lived processes it starts (a PostgreSQL
/// cluster, the provider's daemon, a tmux server). Then the test that made the pipe reads
/// to an end of file that never comes, or never hears that its child exited: the run hangs
/// until CI gives up. Foundation's own children close every descriptor above 2; ours must too.
package enum ChildDescriptors {
    /// Adds "close every descriptor from 3 up" to `actions` (see `SpawnedChild`).
    package static func closeAllButStandardStreams(_ actions: inout posix_spawn_file_actions_t) {
        SpawnedChild.closeAllButStandardStreams(&actions)
    }

    /// Waits for a child on a thread of its own, never on a concurrency-pool thread: its
    /// exit status, or 128 + the signal that ended it.
    package static func exitStatus(of pid: pid_t) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: SpawnedChild(pid: pid).waitForExit()) }
        }
    }
}
