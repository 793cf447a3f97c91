/// The names inside a zoo checkpoint file, shared by writer and reader and documented in
/// Checkpoints/FORMAT.md (a test checks a real file against that document).
public enum CheckpointLayout {
    public static let formatName = "zoo-checkpoint"
    /// 2: the image shape (channels too) and class names, and layer buffers beside the weights.
    /// Version-1 files (gray images, no buffers) still load.
    public static let formatVersion: Int64 = 2
    /// The most elements a tensor in a checkpoint may have: a perceptron's whole weights are
    /// capped at this (`Sequential.maximumParameters`), and so is any model state. The reader
    /// refuses larger declared shapes before allocating anything.
    public static let maximumTensorElements = Sequential.maximumParameters

    public enum Attribute {
        public static let format = "format"
        public static let formatVersion = "format_version"
        public static let model = "model"
        public static let hyperparameters = "hyperparameters"
        public static let training = "training"
        public static let zooVersion = "zoo_version"
        public static let created = "created"
        public static let imageChannels = "image_channels"
        public static let imageHeight = "image_height"
        public static let imageWidth = "image_width"
        public static let classNames = "class_names"
        /// Version 1's names for the height and width (its images were gray).
        public static let imageRows = "image_rows"
        public static let imageColumns = "image_columns"
    }

    /// The largest image side and channel count a checkpoint may declare.
    public static let maximumImageSide = 4096
    /// Gray or RGB: the images zoo reads, trains on and draws.
    public static let channelCounts: Set<Int> = [1, 3]

    public static let weights = "weights"
    public static let optimizer = "optimizer"
    public static let modelState = "model_state"
    public static let trainingState = "training_state"
    public static let history = "history"

    public enum TrainingState {
        public static let epoch = "epoch"
        public static let stepInEpoch = "step_in_epoch"
        public static let globalStep = "global_step"
        public static let modelRNG = "model_rng"
        public static let dataRNG = "data_rng"
        public static let partialImages = "partial_images"
        public static let partialSeconds = "partial_seconds"
        public static let partialLossSums = "partial_loss_sums"
    }

    public enum History {
        public static let epoch = "epoch"
        public static let seconds = "seconds"
        public static let losses = "losses"
        public static let metrics = "metrics"
    }

    /// Optimizer slots stored as integers rather than float32.
    static let integerSlots: Set<String> = ["step"]
}

/// The version of this zoo, written into every checkpoint.
public enum ZooVersion {
    public static let current = "0.1.0"
}
