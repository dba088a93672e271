import Tensor

extension Seq2Seq {
    /// The groups of parameters whose gradients are complete at one point of a training step, in
    /// the order they complete: the output projection once the loss is computed, the decoder's
    /// (target embeddings, LSTM and attention) after its sweep, the encoder's last. Data-parallel
    /// training sums each over the ranks as soon as it is complete, while the next is computed.
    public enum Part: CaseIterable, Sendable {
        case output, decoder, encoder

        func holds(_ name: String) -> Bool {
            switch self {
            case .output: name.hasPrefix("output.")
            case .decoder: name == "target.embedding" || name.hasPrefix("decoder") || name.hasPrefix("attention.")
            case .encoder: name == "source.embedding" || name.hasPrefix("encoder")
            }
        }
    }

    /// The ranges of the flat parameter (and gradient) buffers that `part` covers, with the
    /// padding after each of its tensors; neighbouring tensors make one range. The parts'
    /// ranges together cover the whole buffer once.
    /// - Parameter excluding: tensors left out (their neighbours then make separate ranges).
    public static func ranges(of part: Part, in layout: ParameterLayout, excluding: Set<String> = []) -> [Range<Int>] {
        var ranges = [Range<Int>]()
        for (i, view) in layout.views.enumerated() where part.holds(view.name) && !excluding.contains(view.name) {
            let end = i + 1 < layout.views.count ? layout.views[i + 1].offset : layout.count
            if let last = ranges.last, last.upperBound == view.offset {
                ranges[ranges.count - 1] = last.lowerBound..<end
            } else {
                ranges.append(view.offset..<end)
            }
        }
        return ranges
    }
}
