package struct Size: Hashable, Sendable, CustomStringConvertible {
    package var width: Int
    package var height: Int
    package init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    package var description: String { "\(width)×\(height)" }
}

package struct Point: Hashable, Sendable {
    package var x: Int
    package var y: Int
    package init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// One terminal cell. A wide character sits in its first cell with `width` 2; the cell
/// to its right is a continuation (`width` 0, empty text) that painters skip.
package struct Cell: Hashable, Sendable {
    package var text: String
    package var width: UInt8
    package var style: StyleRole

    package init(_ text: String = " ", width: UInt8 = 1, style: StyleRole = .normal) {
        self.text = text
        self.width = width
        self.style = style
    }

    package static let blank = Cell()
    package var isContinuation: Bool { width == 0 }
}

/// A full screen of styled cells: what `render` produces and the terminal paints.
package struct Frame: Hashable, Sendable {
    package let size: Size
    package private(set) var cells: [Cell]
    /// Where the terminal cursor should blink (the focused text field), if anywhere.
    package var cursor: Point?

    package init(size: Size) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        cells = Array(repeating: .blank, count: self.size.width * self.size.height)
    }

    package var width: Int { size.width }
    package var height: Int { size.height }

    package subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    package func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Fills a rectangle (clipped to the frame) with blanks of one style.
    package mutating func fill(x: Int, y: Int, width w: Int, height h: Int, style: StyleRole = .normal) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 { self[column, row] = Cell(" ", style: style) }
        }
    }

    /// Puts one grapheme, keeping wide characters whole: one that would straddle the
    /// right edge or `limit` becomes a space, and a half-overwritten wide neighbour is blanked.
    @discardableResult
    package mutating func put(_ character: Character, x: Int, y: Int, style: StyleRole, limit: Int? = nil) -> Int {
        let right = min(limit ?? width, width)
        guard y >= 0, y < height, x >= 0, x < right else { return 0 }
        var w = DisplayWidth.of(character)
        var text = String(character)
        if w == 0 { w = 1; text = " " }  // a stray mark or control gets a visible blank of its own
        if x + w > right { w = 1; text = " " }
        if self[x, y].isContinuation, x > 0 { self[x - 1, y] = Cell(" ", style: self[x - 1, y].style) }
        if self[x, y].width == 2, x + 1 < width { self[x + 1, y] = Cell(" ", style: self[x + 1, y].style) }
        self[x, y] = Cell(text, width: UInt8(w), style: style)
        if w == 2 {
            if x + 2 < width, self[x + 1, y].width == 2 { self[x + 2, y] = Cell(" ", style: self[x + 2, y].style) }
            self[x + 1, y] = Cell("", width: 0, style: style)
        }
        return w
    }
}
