NAME = "from the layer"
