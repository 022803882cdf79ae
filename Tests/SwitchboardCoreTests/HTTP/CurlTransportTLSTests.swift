import Foundation
import SwitchboardCore
import Testing

extension HTTPTests {
    /// Certificate verification against a real TLS server (`openssl s_server`).
    @Suite(.enabled(if: OpenSSLTestServer.isAvailable), .timeLimit(.minutes(1)))
    struct CurlTransportTLSTests {
        @Test func verifiesCertificatesAndHostNames() async throws {
            let server = try await OpenSSLTestServer.start()
            defer { server.stop() }

            // Untrusted (self-signed) certificate: refused by default.
            await #expect(throws: SwitchboardError.http(
                "TLS certificate verification failed for host localhost: SSL certificate problem: self-signed certificate")) {
                try await CurlTransport().send(.init(url: "https://localhost:\(server.port)/"))
            }

            var trusting = CurlTransport.Configuration()
            trusting.caBundlePath = server.certificatePath
            let transport = CurlTransport(configuration: trusting)

            // Trusted, but issued for another name: refused.
            await #expect(throws: SwitchboardError.http(
                "TLS certificate verification failed for host 127.0.0.1: SSL: no alternative certificate subject name matches target host name '127.0.0.1'")) {
                try await transport.send(.init(url: "https://127.0.0.1:\(server.port)/"))
            }

            // Trusted and matching: accepted.
            let response = try await transport.send(.init(url: "https://localhost:\(server.port)/"))
            #expect(response.status == 200)
        }
    }
}
