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

extension JSONText {
    /// A finite number with at most 4 decimals ("4.61", "12", "-0.0312"); non-finite values print as 0.
    public static func number(_ x: Float) -> String {
        guard x.isFinite else { return "0" }
        var s = String(format: "%.4f", Double(x))
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s == "-0" ? "0" : s
    }
}
