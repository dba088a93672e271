extension Recipe {
    /// A key whose value differs between two recipes, as `config.yaml` writes values.
    public struct Difference: Equatable, Sendable {
        public var key: String
        public var here: String
        public var there: String
        /// Whether the network or its data depend on the key (`data.*` but the corpus' place,
        /// `model.*`): a model trained with one value cannot go on with the other.
        public var changesTheModel: Bool {
            (key.hasPrefix("data.") && key != "data.corpus") || key.hasPrefix("model.")
        }
    }

    /// The keys (`RecipeKey.all`, in their order) whose values differ from `other`'s.
    public func differences(from other: Recipe) -> [Difference] {
        RecipeKey.all.compactMap { key in
            let here = key.value(self), there = key.value(other)
            return here == there ? nil : Difference(key: key.name, here: here, there: there)
        }
    }
}
