@testable import SwitchboardCore
import Testing

extension HTTPTests {
    @Suite struct URLTargetTests {
        @Test func splitsSchemeHostPortPathAndQuery() throws {
            let target = try #require(URLTarget("HTTPS://user:p@ss@api.example.test:8443/v1/me?key=1#frag"))
            #expect(target.scheme == "https")
            #expect(target.hasUserInfo)
            #expect(target.host == "api.example.test")
            #expect(target.port == 8443)
            #expect(target.path == "/v1/me")
            #expect(target.query == "key=1")
            #expect(target.display == "https://api.example.test:8443/v1/me?key=1")
        }

        @Test func defaultsPortsAndHandlesIPv6() throws {
            #expect(URLTarget("https://a.test")?.hostAndPort == "a.test:443")
            #expect(URLTarget("http://a.test?x")?.hostAndPort == "a.test:80")
            #expect(URLTarget("http://a.test?x")?.query == "x")
            let v6 = try #require(URLTarget("http://[::1]:8080/cb"))
            #expect(v6.host == "[::1]")
            #expect(v6.hostAndPort == "[::1]:8080")
            #expect(URLTarget("http://[::1]/")?.port == nil)
        }

        @Test func rejectsWhatIsNotAURL() {
            #expect(URLTarget("not a url") == nil)
            #expect(URLTarget("://host") == nil)
            #expect(URLTarget("http://host:99999/") == nil)
            #expect(URLTarget("http://host:abc/") == nil)
            #expect(URLTarget("file:///etc/passwd")?.host == "")
        }
    }
}
