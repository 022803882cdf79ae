import Foundation
import Testing

@Suite("CLI: process start")
struct CLIStartupTests {
    /// libcurl and its thirty libraries cost about 6 ms at every start (`scripts/bench`,
    /// logs under 20 ms), so the binary must not link them: libcurl is opened on the
    /// first request. Guards against a dependency that links FoundationNetworking again.
    @Test("the binary does not load libcurl until it makes a request")
    func libcurlIsNotLinked() throws {
        let binary = CLISandbox.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw CLIError.binaryMissing(binary) }
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [binary]
        let output = Pipe()
        ldd.standardOutput = output
        try ldd.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        #expect(ldd.terminationStatus == 0, "\(text)")
        #expect(text.contains("libc.so"), "\(text)")
        #expect(!text.contains("libcurl"), "\(text)")
        #expect(!text.contains("libFoundationNetworking"), "\(text)")
        if binary.contains("/release/") {
            // The release build links these in (Package.swift, link/): binding their symbols
            // at every start was most of the dynamic loader's work.
            for library in ["libsqlite3", "libstdc++", "libncursesw", "libtinfo"] {
                #expect(!text.contains(library), "\(library) is linked dynamically: \(text)")
            }
        } else {
            #expect(text.contains("libsqlite3"), "\(text)")
        }
    }
}
