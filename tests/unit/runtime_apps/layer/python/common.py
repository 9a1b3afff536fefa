ORIGIN = "layer"
