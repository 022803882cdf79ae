import Foundation

/// A value as both engines store and return it. `bool` exists because PostgreSQL keeps
/// booleans in a type of their own; SQLite stores it as 0 or 1 and reads it back as an
/// integer, which `Bool` accepts.
package enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    case bool(Bool)
}

/// What the store binds as an argument and decodes from a column.
package protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
    static func fromSQL(_ value: SQLValue) -> Self?
    /// The column at `index` of `row`: `fromSQL` of its value, unless the type reads the
    /// row's source without making an `SQLValue` (text, integers, their optionals).
    static func read(_ row: SQLRow, at index: Int) -> Self?
}

extension SQLValueConvertible {
    package static func read(_ row: SQLRow, at index: Int) -> Self? { fromSQL(row[index]) }
}

extension SQLValue: SQLValueConvertible {
    package var sqlValue: SQLValue { self }
    package static func fromSQL(_ value: SQLValue) -> SQLValue? { value }
}

extension String: SQLValueConvertible {
    package var sqlValue: SQLValue { .text(self) }
    package static func fromSQL(_ value: SQLValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }
    package static func read(_ row: SQLRow, at index: Int) -> String? { row.text(at: index) }
}

extension Int64: SQLValueConvertible {
    package var sqlValue: SQLValue { .integer(self) }
    package static func fromSQL(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }
    package static func read(_ row: SQLRow, at index: Int) -> Int64? {
        row.integer(at: index) ?? fromSQL(row[index])
    }
}

extension Int: SQLValueConvertible {
    package var sqlValue: SQLValue { .integer(Int64(self)) }
    package static func fromSQL(_ value: SQLValue) -> Int? { Int64.fromSQL(value).flatMap { Int(exactly: $0) } }
    package static func read(_ row: SQLRow, at index: Int) -> Int? { Int64.read(row, at: index).flatMap { Int(exactly: $0) } }
}

extension Int32: SQLValueConvertible {
    package var sqlValue: SQLValue { .integer(Int64(self)) }
    package static func fromSQL(_ value: SQLValue) -> Int32? { Int64.fromSQL(value).flatMap { Int32(exactly: $0) } }
}

extension Double: SQLValueConvertible {
    package var sqlValue: SQLValue { .real(self) }
    package static func fromSQL(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let number): number
        case .integer(let number): Double(number)
        default: nil
        }
    }
}

extension Bool: SQLValueConvertible {
    package var sqlValue: SQLValue { .bool(self) }
    package static func fromSQL(_ value: SQLValue) -> Bool? {
        switch value {
        case .bool(let flag): flag
        case .integer(let number): number != 0
        default: nil
        }
    }
    package static func read(_ row: SQLRow, at index: Int) -> Bool? {
        row.integer(at: index).map { $0 != 0 } ?? fromSQL(row[index])
    }
}

extension Data: SQLValueConvertible {
    package var sqlValue: SQLValue { .blob(self) }
    package static func fromSQL(_ value: SQLValue) -> Data? {
        if case .blob(let data) = value { return data }
        return nil
    }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    package var sqlValue: SQLValue { self?.sqlValue ?? .null }
    package static func fromSQL(_ value: SQLValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        return Wrapped.fromSQL(value).map { .some($0) }
    }
    package static func read(_ row: SQLRow, at index: Int) -> Wrapped?? {
        if row.isNull(at: index) { return .some(nil) }
        return Wrapped.read(row, at: index).map { .some($0) }
    }
}

/// Enumerations stored by their raw text (levels, outcomes, statuses, kinds).
package protocol SQLTextEnum: SQLValueConvertible, RawRepresentable where RawValue == String {}

extension SQLTextEnum {
    package var sqlValue: SQLValue { .text(rawValue) }
    package static func fromSQL(_ value: SQLValue) -> Self? { String.fromSQL(value).flatMap(Self.init(rawValue:)) }
    package static func read(_ row: SQLRow, at index: Int) -> Self? { row.text(at: index).flatMap(Self.init(rawValue:)) }
}

/// Arguments of one statement, bound in order to its `?` placeholders.
package typealias SQLArguments = [any SQLValueConvertible]
