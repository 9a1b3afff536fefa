NAME = "lazy-alpha"
