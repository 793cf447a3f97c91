// ZooData: placeholder until the module is written.
