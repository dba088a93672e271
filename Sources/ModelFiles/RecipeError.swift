import IO

/// A recipe that cannot be used: the file, the line and what is wrong, naming the key.
public struct RecipeError: UserError, Equatable {
    public let path: String
    public let line: Int
    public let message: String

    /// One line: line breaks the message quotes from the recipe (a key or value may hold one) are
    /// written as `\n` and `\r`.
    public var description: String {
        "\(path):\(line): " + message.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}
