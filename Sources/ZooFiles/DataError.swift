// The one error type of the data layers (ZooFiles, ZooImages, ZooData). Every message is a
// single line that names the file, folder or dataset involved, so a command-line tool can
// print it as is and a person can act on it.

/// An error from reading, decoding or writing data files (gzip, IDX, PNG, JPEG), locating a
/// dataset or reading an image folder.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for code that wants to react (tests, retries); people read `message`.
    public enum Kind: String, Sendable {
        case io                 // a file could not be opened, read or written
        case notGzip            // the gzip decoder was given something else
        case corruptGzip        // a gzip/zlib stream is damaged or truncated
        case badMagic           // an IDX file does not start with 0x000008NN
        case unsupportedType    // an IDX type code other than 0x08 (unsigned byte)
        case wrongSize          // an IDX file is shorter or longer than its dims say
        case emptyFile          // a file with no bytes at all
        case datasetNotFound    // no place on the search path holds the dataset
        case invalidDataset     // the files are readable but do not fit together
        case badPNG             // a PNG that libpng cannot read (corrupt, truncated, not a PNG)
        case badJPEG            // a JPEG that libjpeg cannot read, or reads only with warnings
        case notAnImage         // a file that is neither PNG nor JPEG by its first bytes
        case imageTooLarge      // an image header whose size is over the decoder's limits
        case noImages           // an image folder without a single usable image
        case badNumPy           // a .npy file that is not in NumPy's format, or of a type zoo does not read
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        // Keep the one-line promise even when a caller's text (a file name, an OS message) has
        // a newline: escaped, so the message still names the real file.
        self.message = TerminalText.escaped(message)
    }

    public var description: String { message }
}

#if canImport(Foundation)
import Foundation
// So that `error.localizedDescription` shows the message instead of
// "The operation could not be completed".
extension DataError: LocalizedError {
    public var errorDescription: String? { message }
}
#endif
