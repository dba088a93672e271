import Model

extension Recipe {
    /// The network of the recipe's `model` section over vocabularies of the given sizes.
    public func configuration(sourceVocabularySize: Int, targetVocabularySize: Int) -> Seq2SeqConfiguration {
        Seq2SeqConfiguration(sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize,
                             embedding: model.embedding, hidden: model.hidden, layers: model.layers,
                             score: model.attention,
                             inputFeeding: model.inputFeeding, dropout: Float(model.dropout),
                             encoder: model.encoder, residual: model.residual)
    }

    /// The network with the recipe's vocabulary sizes, the most a prepared corpus gives.
    public var largestConfiguration: Seq2SeqConfiguration {
        configuration(sourceVocabularySize: data.sourceVocabulary, targetVocabularySize: data.targetVocabulary)
    }
}
