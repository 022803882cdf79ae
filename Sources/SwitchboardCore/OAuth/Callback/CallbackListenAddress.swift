import Foundation
import NIOCore

/// Where a catcher may listen, and why it could not. A literal IPv4 or IPv6 address only,
/// never a name: `localhost` may resolve to either family or to something else entirely,
/// and the redirect URI must name exactly the socket that is bound.
enum CallbackListenAddress {
    static func resolve(host: String, port: UInt16) throws -> SocketAddress {
        do {
            return try SocketAddress(ipAddress: host, port: Int(port))
        } catch {
            throw SwitchboardError.usage("cannot listen on \(host): not an IPv4 or IPv6 address")
        }
    }

    /// The sentence for a failed bind (a busy port above all: the person picks another).
    static func failure(_ error: any Error, host: String, port: UInt16) -> SwitchboardError {
        let reason: String
        if let io = error as? IOError {
            reason = io.errnoCode == EADDRINUSE ? "the port is in use" : String(cString: strerror(io.errnoCode))
        } else {
            reason = String(describing: error)
        }
        return .io("cannot listen on \(host):\(port) (\(reason)); choose another port")
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Marks the channel's socket close-on-exec, so code that `switchboard run` or a browser
    /// opener starts never inherits it (NIO opens and accepts sockets without the flag).
    func closeOnExec() throws {
        _ = try withUnsafeTransportIfAvailable(of: NIOBSDSocket.Handle.self) { fcntl($0, F_SETFD, FD_CLOEXEC) }
    }
}
