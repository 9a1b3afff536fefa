NAME = "init-helper"
