@_exported import Zoo
import AE
import CVAE
import Classifier
import ConvVAE
import DCGAN
import GAN
import VAE

/// The built-in model plugins. Adding a model: a folder under Models/ and one line here.
public var builtinModels: [any TrainableModel.Type] {
    [
        AutoEncoder.self,
        VariationalAutoEncoder.self,
        GenerativeAdversarialNetwork.self,
        DeepConvolutionalGAN.self,
        ConvolutionalVAE.self,
        ConditionalVAE.self,
        ConditionalDCGAN.self,
        LeNetClassifier.self,
    ]
}
