@_exported import Zoo
import AE
import Classifier
import GAN
import VAE

/// The built-in model plugins. Adding a model: a folder under Models/ and one line here.
public var builtinModels: [any TrainableModel.Type] {
    [
        AutoEncoder.self,
        VariationalAutoEncoder.self,
        GenerativeAdversarialNetwork.self,
        LeNetClassifier.self,
    ]
}
