// my-zoo: the zoo command line with one more model, `dae`, defined in this package.
//   my-zoo list · my-zoo train dae · my-zoo sample dae.h5 · my-zoo resume dae.h5 --epochs 30 …
import Denoising
import ZooCLI
import ZooModels

ZooCommand.run(models: builtinModels + [DenoisingAutoEncoder.self])
