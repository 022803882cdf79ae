import Foundation
import SwitchboardCore
import Testing

extension HTTPTests {
    @Suite struct HTTPTypesTests {
        @Test func headerLookupIsCaseInsensitiveAndOrdered() {
            var headers: HTTPHeaders = ["Content-Type": "text/plain", "Set-Cookie": "a=1"]
            headers.add("set-cookie", "b=2")
            #expect(headers["content-type"] == "text/plain")
            #expect(headers.values(for: "SET-COOKIE") == ["a=1", "b=2"])
            headers["CONTENT-TYPE"] = "application/json"
            #expect(headers.fields.map(\.name) == ["CONTENT-TYPE", "Set-Cookie", "set-cookie"])
            headers["set-cookie"] = nil
            #expect(headers.count == 1)
            #expect(!headers.contains("Set-Cookie"))
        }

        @Test func descriptionsDoNotShowSecrets() {
            let request = HTTPRequest(
                method: "POST", url: "https://user:pw@api.example.test/v1/me?key=SECRET",
                headers: ["Authorization": "Bearer SECRET"], body: Data("secret=SECRET".utf8))
            #expect(!"\(request)".contains("SECRET"))
            #expect(!"\(request)".contains("pw"))
            #expect("\(request)" == "POST https://api.example.test/v1/me (13 byte body)")
            #expect(!"\(HTTPResponse.json(200, #"{"access_token":"SECRET"}"#))".contains("SECRET"))
        }

        @Test func formRequestSetsContentTypeAndBody() {
            let request = HTTPRequest.form(url: "https://id.example.test/token", fields: [("grant_type", "client_credentials"), ("scope", "a b")])
            #expect(request.method == "POST")
            #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(request.body.map { String(decoding: $0, as: UTF8.self) } == "grant_type=client_credentials&scope=a%20b")
        }
    }
}
