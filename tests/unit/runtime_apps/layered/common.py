ORIGIN = "function code"
