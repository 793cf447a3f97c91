import ZooCLI
import ZooModels

ZooCommand.run(models: builtinModels)
