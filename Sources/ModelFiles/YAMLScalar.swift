/// 2 → "2.0", 0.001 → "0.001", 527040 → "527040.0".
func yamlNumber(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) + ".0" : "\(x)"
}

/// A string as YAML: plain when it is only letters, digits and `/ _ . - +` (the paths a recipe
/// usually holds), else double-quoted with escapes, so that `config.yaml` reads back the same
/// string (a plain `a #b` would read as `a`, and `x: y` would not be YAML at all).
func yamlString(_ text: String) -> String {
    let plain = text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/_.-+".unicodeScalars.contains($0)) }
    if plain, let first = text.unicodeScalars.first, !"-.".unicodeScalars.contains(first) { return text }
    var quoted = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                        || [0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF].contains(scalar.value):
            let hex = String(scalar.value, radix: 16, uppercase: true)
            quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: quoted.unicodeScalars.append(scalar)
        }
    }
    return quoted + "\""
}
