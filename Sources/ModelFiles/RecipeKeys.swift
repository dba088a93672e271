extension RecipeKey {
    /// The longest a line of text or a vocabulary may reasonably be asked to be: the largest
    /// vocabularies in the literature are ~500,000 words (Jean et al. 2015), so 1,000,000.
    public static let vocabularyLimit = 1_000_000
    /// Tokens in a sentence or a bucket: 1,000 is ten times the shipped corpus's longest pairs
    /// (beyond it an LSTM's attention has little left to give, and `translate` cuts long lines
    /// into pieces of the largest bucket anyway).
    public static let lengthLimit = 1_000
    /// One year of minutes.
    public static let minutesLimit = 527_040.0
    /// A 32-bit seed, as Marian and NumPy take.
    public static let seedLimit = 4_294_967_295
    /// Checkpoints `train.keep_checkpoints` keeps: averages in the literature take 5 to 20
    /// (Vaswani et al. 2017 averaged the last 5 and 20); each costs the parameters' size on disk.
    public static let keptCheckpointsLimit = 100

    /// Every key, in the order `config.yaml` and the README write them.
    public static let all: [RecipeKey] = [
        .fileName("name", \.name,
                  doc: "Names the data and model directories (`data/<name>`, `models/<name>`), so a plain file name of at most 255 bytes; default: the recipe file's name without extension"),
        .text("data.corpus", \.data.corpus, doc: "Directory of raw `{train,dev,test}.{src,tgt}`"),
        .choice("data.src", \.data.source, among: ["en", "fr"], doc: "Source language"),
        .choice("data.tgt", \.data.target, among: ["en", "fr"], doc: "Target language (not the source's)"),
        .choice("data.tokenizer", \.data.tokenizer, doc: "Moses' tokens with ￭ joiner marks, or plain Moses tokens"),
        .integer("data.bpe_merges", \.data.bpeMerges, 0...1_000_000,
                 doc: "Joint BPE merges (0: no BPE); published systems use 8,000 to 90,000"),
        .integer("data.src_vocab", \.data.sourceVocabulary, 5...vocabularyLimit,
                 doc: "Source vocabulary size, the four specials included; Jean et al. (2015) used 500,000 words at most"),
        .integer("data.tgt_vocab", \.data.targetVocabulary, 5...vocabularyLimit,
                 doc: "Target vocabulary size, the four specials included"),
        .integer("data.min_count", \.data.minCount, 1...1_000_000_000,
                 doc: "Tokens seen fewer times are left out of the vocabularies"),
        .integer("data.max_length", \.data.maxLength, 1...lengthLimit,
                 doc: "Training pairs with more tokens on a side are dropped"),
        .boolean("data.lowercase", \.data.lowercase, doc: "Lowercase all text"),
        .boolean("data.reverse_source", \.data.reverseSource, doc: "Feed sources reversed (Sutskever et al. 2014)"),
        .buckets("data.buckets", \.data.buckets, lengths: 1...lengthLimit, count: 64,
                 doc: "[source, target] length limits, increasing; a pair goes to the first it fits, and `translate` cuts lines longer than the largest source length"),

        .integer("model.embedding", \.model.embedding, 1...8_192, doc: "Embedding size; large models use 512 to 1,024"),
        .integer("model.hidden", \.model.hidden, 1...8_192, doc: "LSTM and attention size; GNMT uses 1,024"),
        .integer("model.layers", \.model.layers, 1...16, doc: "LSTM layers of the encoder and of the decoder; GNMT uses 8"),
        .choice("model.attention", \.model.attention, doc: "Luong et al. (2015)'s score"),
        .boolean("model.input_feeding", \.model.inputFeeding, doc: "Feed h̃_{t-1} to the decoder (Luong et al. 2015)"),
        .number("model.dropout", \.model.dropout, NumberRange(0, 1, includesUpper: false), doc: "Dropout probability"),
        .choice("model.encoder", \.model.encoder,
                doc: "uni, or bi: the first encoder layer reads the source both ways, H/2 each, concatenated (model.hidden even)"),
        .boolean("model.residual", \.model.residual,
                 doc: "Residual connections from the third layer up, encoder and decoder (tensorflow/nmt's num_residual_layers)"),

        .choice("train.loss", \.train.loss, doc: "Full softmax, or sampled softmax (Jean et al. 2015)"),
        .integer("train.num_sampled", \.train.numSampled, 1...vocabularyLimit,
                 doc: "Candidates of the sampled softmax; fewer than `data.tgt_vocab`"),
        .choice("train.optimizer", \.train.optimizer, doc: "Adam or plain SGD"),
        .number("train.learning_rate", \.train.learningRate, NumberRange(0, 10, includesLower: false),
                doc: "Initial learning rate; Adam uses ~0.001, SGD ~1 (Luong et al. 2015)"),
        .number("train.min_learning_rate", \.train.minLearningRate, NumberRange(0, 10),
                doc: "Floor of the decayed learning rate (0: none; above `learning_rate`: no decay); the default is a tenth of the default rate, as measured in `recipes/tiny.yaml`"),
        .number("train.decay", \.train.decay, NumberRange(0, 1, includesLower: false),
                doc: "Factor of the learning rate when dev perplexity stops improving (1: no decay)"),
        .number("train.max_gradient_norm", \.train.maxGradientNorm, NumberRange(0, 1e6, includesLower: false),
                doc: "Global-norm clipping threshold"),
        .integer("train.batch_size", \.train.batchSize, 1...4_096,
                 doc: "Sentence pairs per step; NMT systems use 32 to a few hundred"),
        .number("train.max_minutes", \.train.maxMinutes, NumberRange(0, minutesLimit, includesLower: false),
                doc: "Stop after this many minutes of training in all (a year at most)"),
        .integer("train.max_steps", \.train.maxSteps, 0...1_000_000_000, doc: "Stop after this many steps in all (0: no limit)"),
        .integer("train.eval_every", \.train.evalEvery, 1...1_000_000_000, doc: "Steps between evaluations on dev"),
        .integer("train.log_every", \.train.logEvery, 1...1_000_000_000, doc: "Steps between log lines"),
        .integer("train.patience", \.train.patience, 0...1_000,
                 doc: "Stop early after this many evaluations without a better dev BLEU, with a last evaluation and checkpoint (0: never; Marian's --early-stopping)"),
        .integer("train.seed", \.train.seed, 0...seedLimit,
                 doc: "Seed of the parameters, the data order, dropout and the sampler (32 bits)"),
        .choice("train.average", \.train.average,
                doc: "`ema`: evaluate, keep `best.ckpt` and translate with an exponential moving average of the parameters, updated after every step (Marian's --exponential-smoothing)"),
        .number("train.ema_decay", \.train.emaDecay, NumberRange(0, 1, includesLower: false, includesUpper: false),
                doc: "α of θ̄ ← α·θ̄ + (1 − α)·θ, taken as min(α, (1 + t) / (10 + t)) at step t as TensorFlow's ExponentialMovingAverage with num_updates; Marian's default 0.9999"),
        .integer("train.keep_checkpoints", \.train.keepCheckpoints, 0...keptCheckpointsLimit,
                 doc: "Keep the last N evaluation checkpoints as `step-N.ckpt` for `nmt average` (0: none); each is a copy of the parameters, so at most \(keptCheckpointsLimit)"),

        .integer("decode.beam", \.decode.beam, 1...256,
                 doc: "Beam size K (1: greedy); beyond 10 BLEU rarely improves, and memory grows with K"),
        .number("decode.length_penalty", \.decode.lengthPenalty, NumberRange(0, 10),
                doc: "GNMT α of ((5 + |Y|) / 6)^α (0: log-probability alone)"),
        .number("decode.max_length_ratio", \.decode.maxLengthRatio, NumberRange(0, 10, includesLower: false),
                doc: "An output has at most ⌈ratio · source tokens⌉ tokens; no language pair needs 10"),
    ]
}
