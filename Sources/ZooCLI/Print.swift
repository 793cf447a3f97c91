/// Every `print` in ZooCLI resolves to this one, which shadows the standard library's: what
/// the verbs print is full of text from files (paths, checkpoint attributes, class and loss
/// names, HDF5 object names), and none of it may reach the terminal as control characters.
/// A line the verbs mean to end is ended by `terminator`; anything inside is escaped.
/// (The live progress bar writes its redrawing sequences itself; JSON uses `Swift.print`.)
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(Output.printable(items.map { String(describing: $0) }.joined(separator: separator)), terminator: terminator)
}
