NAME = "lazy-beta"
