import Foundation

/// The package root: the nearest directory above this file that holds Package.swift.
func repositoryRoot(file: String = #filePath) -> String {
    var dir = (file as NSString).deletingLastPathComponent
    while dir != "/" && !dir.isEmpty {
        if FileManager.default.fileExists(atPath: dir + "/Package.swift") { return dir }
        dir = (dir as NSString).deletingLastPathComponent
    }
    return FileManager.default.currentDirectoryPath
}
