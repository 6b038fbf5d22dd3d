import Foundation

/// JSON text helpers shared by every command that writes JSON by hand (eval, recommend, similar, train),
/// so the contract's escaping is written once.
public enum JSONText {
    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7).
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
